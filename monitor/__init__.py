"""monitor: weekly website activity monitoring for Kota Bandar Lampung.

Data flows one way: targets -> sweep -> checks -> store -> report -> mail.
The CLI and the scheduler only wire these stages together.
"""

__version__ = "0.1.0"

USER_AGENT = (
    f"monitor/{__version__} (Diskominfotik Kota Bandar Lampung website monitor; "
    "+https://bandarlampungkota.go.id/monitor)"
)

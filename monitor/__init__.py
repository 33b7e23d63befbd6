"""monitor: weekly website activity monitoring for Kota Bandar Lampung.

Data flows one way, one package per stage:

    targets -> sweep -> checks -> store -> verdicts -> report -> mail

``core`` holds what every stage shares (clock, settings, errors, names, the snapshot the sweep
hands to the checks); ``service`` (jobs, scheduler, shutdown, retention), ``cli``, ``admin``,
``discover`` and ``demo`` only wire the stages together.

Rules (``tests/test_layout.py`` reads the imports with ast and enforces them):

- checks import no store, sweep, HTTP library or SQL: they judge a snapshot they are given;
- report imports no sweep and no check internals: it reads stored results and verdicts;
- store imports no verdicts, report, mail, sweep or checks;
- alerts (after each sweep: stored results -> messages) import no sweep, checks, report or
  service, and no HTTP library (Apprise does their sending);
- core imports no stage;
- nothing imports ``monitor.cli``; production code never imports the tests;
- no import cycle anywhere in ``monitor/``; no module over 400 lines.
"""

__version__ = "0.1.0"

USER_AGENT = (
    f"monitor/{__version__} (Diskominfotik Kota Bandar Lampung website monitor; "
    "+https://bandarlampungkota.go.id/monitor)"
)

"""Where ../shared (read-only corpus and official data, beside the checkout) lives."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
DATA = SHARED / "data"

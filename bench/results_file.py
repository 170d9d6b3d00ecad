"""Where the benchmarks keep their latest figures: ``bench/results/<name>.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def save_results(name: str, result: Any) -> Path:
    """Write ``result`` as ``bench/results/<name>.json`` (replacing the last run's); the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path

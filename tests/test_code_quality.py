"""Lint (ruff) and type checks (mypy; strict on the pure packages) are part of the suite."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed; install the test extras: pip install -e '.[test]'")
    return found


def test_ruff():
    result = subprocess.run(
        [_tool("ruff"), "check", "survey_service", "tests", "migrations", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy():
    result = subprocess.run(
        [_tool("mypy"), "survey_service"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr

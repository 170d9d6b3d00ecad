"""The ``fuzz`` marker: the slow property-based tests against the real server
(deselect with ``-m "not fuzz"``)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fuzz: Schemathesis against the real server (deselect with -m 'not fuzz')"
    )

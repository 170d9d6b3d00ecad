"""Survey and reputation-measurement service for Norwegian municipalities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web application: configuration, database, API, pages and CLI.

    ``config`` overrides every other configuration layer (see ``settings``).
    """
    # Imported here, not above: the core (services, models, instruments, scoring) is a
    # package of its own that loads without Flask.
    from survey_service.app import build

    return build(config)

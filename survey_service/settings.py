"""Configuration: safe defaults, then a settings file, then the environment, then the caller.

Layers, each overriding the one before:

1. the defaults below;
2. a Python settings file named by ``SURVEY_SETTINGS`` (optional);
3. the environment variables of the public contract (``SURVEY_DATABASE_URL``,
   ``SURVEY_SECRET_KEY``, ``SURVEY_MIN_N``, and the other ``SURVEY_*`` names below);
4. the mapping passed to ``create_app(config)`` (tests use this).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from survey_service.services.origins import is_origin

#: The public base URL when ``SURVEY_PUBLIC_URL`` is not set and nothing binds an address.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
#: Marks an app whose public URL was not set, so the command that serves it may say where.
PUBLIC_URL_DERIVED = "survey_public_url_derived"

#: The smallest ``SURVEY_MIN_N`` the service accepts: below three, a published difference
#: between two figures can reveal a single answer.
MIN_N_FLOOR = 3

DEFAULTS: dict[str, Any] = {
    # An SQLite file in the instance folder unless SURVEY_DATABASE_URL says otherwise.
    "SURVEY_DATABASE_URL": None,
    "SURVEY_SECRET_KEY": None,
    "SURVEY_MIN_N": 5,
    # Largest request body accepted, in bytes (413 above it).
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # The public base URL used in links handed out (form links, embed snippets). Unset:
    # where ``survey-service serve`` or ``demo`` binds, else ``DEFAULT_PUBLIC_URL``.
    "SURVEY_PUBLIC_URL": None,
    # Accepted submissions a minute per survey before 429, counted across all the worker
    # processes; refused submissions do not count (0: no limit). Above what one instance
    # stores (bench/ingestion.py), so a rush of real respondents is never refused; it caps a
    # flood from many addresses, which the per-client limit cannot see.
    "SURVEY_RATE_LIMIT_PER_MINUTE": 60_000,
    # Public requests (form views and posts, submissions, withdrawals, survey reads) a minute
    # per client address before 429, across all the worker processes (0: no limit). A
    # respondent makes two or three; the staff of a town hall may share one address.
    "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 120,
    # Reverse proxies of our own in front of the service: the client is this many entries
    # from the right of X-Forwarded-For. 0 ignores the header, which anyone can forge.
    "SURVEY_TRUSTED_PROXIES": 0,
    # The folder of the file of counters the worker processes share for the limits (only
    # counters, never an address): /dev/shm when writable, else the temporary directory.
    "SURVEY_COUNTERS_DIR": None,
    # An interval half-width (0-100 points) above which a score is flagged imprecise.
    "SURVEY_PRECISION_HALF_WIDTH": 10.0,
    # Origins of dashboards that may read scores from a browser (CORS), e.g.
    # ["https://dashboard.bergen.kommune.no"]; in the environment, separated by commas.
    "SURVEY_DASHBOARD_ORIGINS": [],
    # How long a dashboard session lasts after signing in with a key (dashboard/session.py).
    "SURVEY_DASHBOARD_SESSION_MINUTES": 60,
    # Echo SQL statements (debugging only).
    "SURVEY_SQL_ECHO": False,
    # How long the database may keep a request waiting, in milliseconds (0: no limit); past
    # it the request is answered 503 with Retry-After. A statement; a wait for a lock (on
    # SQLite the busy timeout); a transaction left open doing nothing; and a statement of a
    # response export, which may legitimately run long on a large set.
    "SURVEY_DB_STATEMENT_TIMEOUT_MS": 10_000,
    "SURVEY_DB_LOCK_TIMEOUT_MS": 5_000,
    "SURVEY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS": 30_000,
    "SURVEY_DB_EXPORT_STATEMENT_TIMEOUT_MS": 90_000,
    # flask-smorest / OpenAPI
    "API_TITLE": "Survey service for Norwegian municipalities",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    # Swagger UI's assets are served by the service itself (no CDN): see resources/docs.py.
    "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
    "JSON_SORT_KEYS": False,
}


def _origin_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


#: Environment variables read on top of the settings file, with their converters.
ENVIRONMENT: dict[str, Any] = {
    "SURVEY_DATABASE_URL": str,
    "SURVEY_SECRET_KEY": str,
    "SURVEY_MIN_N": int,
    "SURVEY_PUBLIC_URL": str,
    "SURVEY_MAX_CONTENT_LENGTH": int,
    "SURVEY_RATE_LIMIT_PER_MINUTE": int,
    "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": int,
    "SURVEY_TRUSTED_PROXIES": int,
    "SURVEY_COUNTERS_DIR": str,
    "SURVEY_PRECISION_HALF_WIDTH": float,
    "SURVEY_DASHBOARD_ORIGINS": _origin_list,
    "SURVEY_DASHBOARD_SESSION_MINUTES": int,
    "SURVEY_DB_STATEMENT_TIMEOUT_MS": int,
    "SURVEY_DB_LOCK_TIMEOUT_MS": int,
    "SURVEY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS": int,
    "SURVEY_DB_EXPORT_STATEMENT_TIMEOUT_MS": int,
}

#: The database timeouts (see ``DEFAULTS``): whole milliseconds, 0 for no limit.
DATABASE_TIMEOUTS = (
    "SURVEY_DB_STATEMENT_TIMEOUT_MS",
    "SURVEY_DB_LOCK_TIMEOUT_MS",
    "SURVEY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS",
    "SURVEY_DB_EXPORT_STATEMENT_TIMEOUT_MS",
)


class ConfigurationError(RuntimeError):
    """The configuration cannot work; the message says which setting and what to do."""


def load(app: Flask, config: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` from the four layers and check the result."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_envvar("SURVEY_SETTINGS", silent=True)
    for name, convert in ENVIRONMENT.items():
        raw = os.environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            value = convert(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{name}={raw!r} is not a valid {convert.__name__}") from exc
        key = "MAX_CONTENT_LENGTH" if name == "SURVEY_MAX_CONTENT_LENGTH" else name
        app.config[key] = value
    if config:
        app.config.from_mapping(config)
    _complete(app)


def _complete(app: Flask) -> None:
    if not app.config["SURVEY_PUBLIC_URL"]:
        app.config["SURVEY_PUBLIC_URL"] = DEFAULT_PUBLIC_URL
        app.extensions[PUBLIC_URL_DERIVED] = True
    min_n = app.config["SURVEY_MIN_N"]
    if not isinstance(min_n, int) or min_n < MIN_N_FLOOR:
        raise ConfigurationError(
            f"SURVEY_MIN_N={min_n!r} is too small: it must be a whole number of at least "
            f"{MIN_N_FLOOR}, or small groups of respondents could be identified"
        )
    origins = app.config["SURVEY_DASHBOARD_ORIGINS"]
    bad = [o for o in origins if not is_origin(o)] if isinstance(origins, list) else [origins]
    if bad:
        raise ConfigurationError(
            f"SURVEY_DASHBOARD_ORIGINS holds {bad[0]!r}, which is not an origin: give a list of "
            "scheme://host[:port], e.g. https://dashboard.bergen.kommune.no"
        )
    minutes = app.config["SURVEY_DASHBOARD_SESSION_MINUTES"]
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 24 * 60:
        raise ConfigurationError(
            f"SURVEY_DASHBOARD_SESSION_MINUTES={minutes!r} is not a session length: give whole "
            "minutes from 1 to 1440 (a day)"
        )
    for name in DATABASE_TIMEOUTS:
        value = app.config[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigurationError(
                f"{name}={value!r} is not a timeout: give whole milliseconds, or 0 for no limit"
            )
    if not app.config["SURVEY_DATABASE_URL"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        db_file = Path(app.instance_path) / "survey.sqlite3"
        app.config["SURVEY_DATABASE_URL"] = f"sqlite:///{db_file}"
    if not app.config["SURVEY_SECRET_KEY"]:
        app.config["SURVEY_SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["SECRET_KEY"] = app.config["SURVEY_SECRET_KEY"]


def _instance_secret(instance: Path) -> str:
    """A secret kept in the instance folder, so receipts stay valid across restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by another worker just now
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def served_at(app: Flask, host: str, port: int) -> str:
    """The public base URL of the app served on ``host:port``: ``SURVEY_PUBLIC_URL`` when it
    was set, else that address (made the app's public URL, for every link it hands out)."""
    if app.extensions.get(PUBLIC_URL_DERIVED):
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        if ":" in shown:  # an IPv6 address
            shown = f"[{shown}]"
        app.config["SURVEY_PUBLIC_URL"] = f"http://{shown}:{port}"
    return str(app.config["SURVEY_PUBLIC_URL"]).rstrip("/")

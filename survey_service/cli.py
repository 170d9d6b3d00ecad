"""The ``survey-service`` command: init, serve, demo, keys, openapi."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask

from survey_service import create_app
from survey_service.access_log import (
    ACCESS_LOG_FORMAT,
    PrivateLogger,
    keep_receipts_out_of_app_logs,
)
from survey_service.models.key import ROLES
from survey_service.settings import served_at

#: What operators' one-off commands (init, rescore, keys) change in the configuration: no
#: statement timeout, since a migration or a rescore over a large set may legitimately run
#: for minutes, and no request is kept waiting by it. The lock timeout still holds, so a
#: migration that cannot get its lock fails instead of stopping every request behind it.
OPERATOR_COMMANDS_CONFIG = {"SURVEY_DB_STATEMENT_TIMEOUT_MS": 0}


def _app(*, serving: bool = False) -> Flask:
    try:
        app = create_app(None if serving else OPERATOR_COMMANDS_CONFIG)
    except Exception as exc:  # configuration problems: say what to change, not a traceback
        raise click.ClickException(str(exc)) from exc
    # Close the database connections when the command ends (serve never returns).
    click.get_current_context().call_on_close(lambda: _dispose(app))
    return app


def _dispose(app: Flask) -> None:
    from survey_service.db import db

    with app.app_context():
        db.engine.dispose()


def _step(message: str) -> None:
    click.echo(message, err=True)


@click.group(help="Survey and reputation-measurement service for Norwegian municipalities.")
def main() -> None:
    pass


def run_init(app: Flask) -> None:
    """Migrate to the newest schema and load the reference data; safe to run again."""
    from survey_service import migrate
    from survey_service.db import db
    from survey_service.services.instrument_catalog import publish_bundled
    from survey_service.services.reference_data import load_municipalities

    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=True)
        _step(f"[1/3] Migrating the database {url} to the newest schema ...")
        migrate.upgrade(db.engine)
        _step("[2/3] Loading the 357 municipalities (SSB 2024) ...")
        added = load_municipalities(db.session)
        db.session.commit()
        _step(f"      {added} added, the rest brought up to date.")
        _step("[3/3] Publishing the bundled instruments ...")
        for outcome in publish_bundled(db.session, actor="cli"):
            _step(f"      {outcome}")
        db.session.commit()

    _step("Ready.")


@main.command("init")
def init_command() -> None:
    """Create or upgrade the database and load municipalities and instruments."""
    run_init(_app())


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to bind.")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Worker processes (default: SURVEY_WORKERS, or 2 x CPU cores + 1, at most 8).",
)
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Serve the API with gunicorn, a production WSGI server."""
    serve(_app(serving=True), host, port, workers)


#: Seconds a worker may take beyond the longest statement timeout before gunicorn kills it.
WORKER_TIMEOUT_MARGIN = 30
#: The worker timeout when some statement may run without limit (a timeout set to 0).
DEFAULT_WORKER_TIMEOUT = 120


def worker_timeout(config: Mapping[str, Any]) -> int:
    """gunicorn's worker timeout, in seconds: longer than any statement may run (an export's
    included), so that a slow statement ends with the database's timeout and a 503, not with
    the worker killed mid-request. A sync worker tells the arbiter it is alive only between
    requests, so this also bounds a whole request, an export's download included."""
    statement = config["SURVEY_DB_STATEMENT_TIMEOUT_MS"]
    export = config["SURVEY_DB_EXPORT_STATEMENT_TIMEOUT_MS"]
    if not statement or not export:
        return DEFAULT_WORKER_TIMEOUT
    return math.ceil(max(statement, export) / 1000) + WORKER_TIMEOUT_MARGIN


def gunicorn_options(
    host: str, port: int, workers: int, *, timeout: int = DEFAULT_WORKER_TIMEOUT
) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": PrivateLogger,
        "timeout": timeout,
    }


def hide_server_header() -> None:
    """Send no ``Server: gunicorn`` header: naming the server software only tells a scanner
    which exploits to try.

    gunicorn has no setting for it (its maintainers declined one) and writes the header in
    ``Response.default_headers``. Every worker type builds its HTTP/1 responses through
    ``gunicorn.http.wsgi.create``, which looks ``Response`` up in its module on each request,
    so a subclass put there, before the workers are forked, is what they all use. The tests
    of the real server check that no response names gunicorn, so a gunicorn release that
    changes this is caught.
    """
    from gunicorn.http import wsgi

    if getattr(wsgi.Response, "hides_server", False):
        return

    class Response(wsgi.Response):
        hides_server = True

        def default_headers(self) -> list[str]:
            headers: list[str] = super().default_headers()
            return [line for line in headers if not line.lower().startswith("server:")]

    wsgi.Response = Response


def serve(app: Flask, host: str, port: int, workers: int | None) -> None:
    from gunicorn.app.base import BaseApplication

    count = (
        workers
        or int(os.environ.get("SURVEY_WORKERS", "0"))
        or min(2 * (os.cpu_count() or 1) + 1, 8)
    )

    options = gunicorn_options(host, port, count, timeout=worker_timeout(app.config))
    keep_receipts_out_of_app_logs(app)
    hide_server_header()

    class Server(BaseApplication):
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return app

    public = served_at(app, host, port)
    bound = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    where = f"http://{bound}:{port}/"
    if f"{public}/" != where:
        where += f", reached as {public}/"
    click.echo(f"Serving on {where}  (API docs: {public}/api/v1/docs)")
    sys.stdout.flush()
    Server().run()


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only load the demo data; do not serve.")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Init, load the network programme's demo data (110 municipalities), then serve."""
    from survey_service.db import db
    from survey_service.services.demo import load_demo

    app = _app(serving=not no_serve)
    public = served_at(app, host, port)
    run_init(app)
    loaded = 0
    with app.app_context():
        for part in load_demo(db.session, progress=_step, min_n=app.config["SURVEY_MIN_N"]):
            db.session.commit()  # one municipality at a time: an interrupted run resumes
            loaded += part.surveys
        db.session.commit()
        click.echo(f"The demo holds {_demo_size(db.session)}; {loaded} surveys loaded now.")
        for line in where_to_click_first(db.session, public):
            click.echo(line)
        for line in demo_sign_in_keys(db.session, public):
            click.echo(line)
        db.session.commit()
    if not no_serve:
        serve(app, host, port, None)


def _demo_size(session: Any) -> str:
    from sqlalchemy import func, select

    from survey_service.models import Response, Survey

    surveys = session.scalar(select(func.count()).select_from(Survey)) or 0
    municipalities = session.scalar(select(func.count(func.distinct(Survey.municipality_number))))
    responses = session.scalar(select(func.count()).select_from(Response)) or 0
    return f"{surveys} surveys in {municipalities} municipalities, {responses} responses"


def where_to_click_first(session: Any, public: str) -> list[str]:
    """The demo's three cases with their dashboard addresses, and how to sign in."""
    from survey_service.services.demo import BEAT_BASELINE, MISSED_TARGET, SUPPRESSED

    cases = (
        (SUPPRESSED, "a small municipality whose figures are withheld (too few respondents)"),
        (BEAT_BASELINE, "a large municipality clearly above its 2013 baseline"),
        (MISSED_TARGET, "a municipality that missed the targets it set for 2015"),
    )
    lines = [
        f"Front page: {public}/",
        f"  the national ranking: {public}/dashboard/national",
    ]
    lines += [f"  {what}: {public}/dashboard/municipalities/{number}" for number, what in cases]
    return lines


#: How long the keys the demo prints for signing in work.
DEMO_KEY_DAYS = 7


def demo_sign_in_keys(session: Any, public: str) -> list[str]:
    """Two fresh keys to sign in to the demo's dashboard with, which expire in a week: one
    for the whole country and one for a municipality (its own surveys and their
    administration). Made anew at every run: a key is stored only as a hash, so an earlier
    one cannot be shown again."""
    from datetime import timedelta

    from survey_service.services.demo import BEAT_BASELINE
    from survey_service.services.keys import create_key

    expires = datetime.now(UTC) + timedelta(days=DEMO_KEY_DAYS)
    national, own = (
        create_key(
            session,
            role=role,
            municipality=municipality,
            name="demo: sign in",
            actor="demo",
            expires_at=expires,
        )[1]
        for role, municipality in (("admin", None), ("municipality", BEAT_BASELINE))
    )
    return [
        f"Sign in at {public}/dashboard with one of these keys (made for this demo; they "
        f"stop working in {DEMO_KEY_DAYS} days):",
        f"  the whole country (admin): {national}",
        f"  Bergen's own surveys (municipality {BEAT_BASELINE}): {own}",
    ]


@main.command("rescore")
@click.argument("survey_ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Every survey.")
def rescore_command(survey_ids: tuple[int, ...], everything: bool) -> None:
    """Rebuild surveys' scores from their raw responses (after a scoring correction)."""
    from sqlalchemy import select

    from survey_service.db import db
    from survey_service.models import Survey
    from survey_service.services import audit
    from survey_service.services.rescore import rescore

    if not survey_ids and not everything:
        raise click.UsageError("name one or more survey ids, or --all")
    app = _app()
    with app.app_context():
        statement = select(Survey).order_by(Survey.id)
        if not everything:
            statement = statement.where(Survey.id.in_(survey_ids))
        surveys = db.session.scalars(statement).all()
        missing = set(survey_ids) - {s.id for s in surveys}
        if missing:
            raise click.ClickException(
                f"no survey with id {', '.join(map(str, sorted(missing)))}; "
                "list them with GET /api/v1/surveys"
            )
        for survey in surveys:
            label = f"survey {survey.id} ({survey.title})"

            def show(done: int, total: int, label: str = label) -> None:
                _step(f"      {label}: {done}/{total} responses")

            _step(f"Rescoring {label} ...")
            count = rescore(db.session, survey, progress=show)
            audit.record(db.session, "cli", "survey.rescore", f"survey:{survey.id}", n=count)
            db.session.commit()
            click.echo(f"{label}: {count} responses rescored")


@main.group("keys")
def keys_group() -> None:
    """Manage API keys: create, list, revoke."""


def _expiry(value: str | None) -> datetime | None:
    """``--expires``: a date (the key stops working at 00:00 UTC that day) or an ISO datetime
    (UTC unless it names a zone)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; give YYYY-MM-DD or an ISO datetime such as "
            "2027-01-01T12:00:00+01:00",
            param_hint="--expires",
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@keys_group.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(list(ROLES)),
    help="What the key may do.",
)
@click.option("--municipality", default=None, help="kommunenummer, for a municipality key.")
@click.option("--name", default="", help="Who or what the key is for.")
@click.option(
    "--expires",
    default=None,
    metavar="YYYY-MM-DD",
    help="When the key stops working: a date (00:00 UTC that day) or an ISO datetime. "
    "Without it the key works until it is revoked.",
)
def keys_create(role: str, municipality: str | None, name: str, expires: str | None) -> None:
    """Create an API key; the key alone is the last line of output."""
    from survey_service.db import db
    from survey_service.services.keys import KeyRefused, create_key

    expires_at = _expiry(expires)
    app = _app()
    with app.app_context():
        try:
            key, plain = create_key(
                db.session,
                role=role,
                municipality=municipality,
                name=name,
                actor="cli",
                expires_at=expires_at,
            )
        except KeyRefused as exc:
            raise click.ClickException(str(exc)) from exc
        except Exception as exc:
            raise _database_problem("store the key", exc) from exc
        db.session.commit()
        scope = f" for municipality {municipality}" if municipality else ""
        until = f", expiring {expires_at.isoformat()}" if expires_at else ""
        click.echo(
            f"Created a {role} key{scope}{until} (prefix {key.prefix}); it is shown only once:"
        )
        click.echo(plain)


def _database_problem(doing: str, exc: Exception) -> click.ClickException:
    return click.ClickException(
        f"could not {doing} ({type(exc).__name__}); "
        "has the database been set up? Run 'survey-service init' first."
    )


@keys_group.command("list")
def keys_list() -> None:
    """List the API keys (prefix, role, state; never a secret)."""
    from survey_service.db import db
    from survey_service.services.keys import list_keys

    app = _app()
    with app.app_context():
        try:
            keys = list_keys(db.session)
        except Exception as exc:
            raise _database_problem("read the keys", exc) from exc
    if not keys:
        click.echo("No keys yet; create one with 'survey-service keys create --role admin'.")
        return
    header = ("prefix", "role", "municipality", "name", "created", "expires", "state")
    rows = [header] + [
        (
            key.prefix,
            key.role,
            key.municipality or "-",
            key.name or "-",
            _when(key.created_at),
            _when(key.expires_at),
            key.state if key.revoked_at is None else f"revoked {_when(key.revoked_at)}",
        )
        for key in keys
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


@keys_group.command("revoke")
@click.argument("prefix")
def keys_revoke(prefix: str) -> None:
    """Revoke a key at once: give its PREFIX (the part after 'svk_' and before the next '_')
    or the whole key. Revoking a revoked key changes nothing."""
    from survey_service.db import db
    from survey_service.services.errors import NotFound
    from survey_service.services.keys import prefix_of, revoke_key

    wanted = prefix_of(prefix)
    if not wanted:
        raise click.BadParameter("give a key's prefix, e.g. 3f9a0c1d2e4b", param_hint="PREFIX")
    app = _app()
    with app.app_context():
        try:
            key = revoke_key(db.session, wanted, actor="cli")
        except NotFound as exc:
            raise click.ClickException(
                f"{exc.message}: 'survey-service keys list' shows every key's prefix"
            ) from exc
        except Exception as exc:
            raise _database_problem("revoke the key", exc) from exc
        db.session.commit()
    assert key.revoked_at is not None
    click.echo(f"Key {key.prefix} ({key.role}) is revoked since {_when(key.revoked_at)} UTC.")


@main.command("openapi")
@click.argument("path", default="openapi/openapi.json", type=click.Path(dir_okay=False))
def openapi_command(path: str) -> None:
    """Write the OpenAPI document (default: openapi/openapi.json)."""
    document = openapi_document(
        create_app({"SURVEY_DATABASE_URL": "sqlite://", "SURVEY_SECRET_KEY": "x"})
    )
    Path(path).write_text(document, encoding="utf-8")
    click.echo(f"Wrote {path}")


def openapi_document(app: Flask) -> str:
    with app.app_context():
        spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

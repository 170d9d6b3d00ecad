"""The authorisation matrix: every route of the app × every kind of caller.

The operations come from the app's route map (``app.url_map``), not from a list here, so a new
endpoint cannot be forgotten: it fails ``test_every_route_has_a_declared_access_rule`` until
``ACCESS`` says who may call it. Each operation is called as ten callers: no key, a malformed
key, an unknown key, a revoked key, an expired key, admin, a municipality key of the survey's
own municipality, one of another municipality, dashboard and analyst.

Expected, for a protected operation: 401 (with ``WWW-Authenticate: Bearer``) for the first
five; 403 for a role not in the rule; for a role in it, the key passes the door (no 401 or
403, no 5xx) and the request succeeds, except that another municipality's survey answers 404
exactly as a missing one, and a survey may not be created for another municipality (403).
A public operation answers every caller alike, never 401 or 403.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import ApiKey
from survey_service.services.keys import revoke_key

from helpers import answers_for, bearer, open_survey

ADMIN, MUNICIPALITY, DASHBOARD, ANALYST = "admin", "municipality", "dashboard", "analyst"
ROLES = (ADMIN, MUNICIPALITY, DASHBOARD, ANALYST)
OWN, OTHER = "4601", "0301"


@dataclass(frozen=True)
class Rule:
    """Who may call an operation, and what it is about.

    ``roles`` None: public, no key needed. ``scope``: "survey" when the path names a survey
    (another municipality's answers 404), "municipality" when the body names the
    municipality (a municipality key may name only its own: 403)."""

    roles: frozenset[str] | None
    scope: str | None = None
    request: dict[str, Any] = field(default_factory=dict)
    #: The statuses a caller who passes the door gets for ``request``.
    success: frozenset[int] = frozenset({200})


def rule(*roles: str, scope: str | None = None, success: tuple[int, ...] = (200,), **request: Any):
    return Rule(frozenset(roles), scope, request, frozenset(success))


def public(*, success: tuple[int, ...] = (200,), **request: Any) -> Rule:
    return Rule(None, None, request, frozenset(success))


OWNERS = (ADMIN, MUNICIPALITY)
READERS = (ADMIN, MUNICIPALITY, DASHBOARD, ANALYST)
INSTRUMENT = {"instrument": "omdommetrappen"}

#: Every operation of the route map ("METHOD rule") -> who may call it. The one table of
#: the access rules; README's endpoint table says the same in words.
ACCESS: dict[str, Rule] = {
    # Reference data, instruments, documentation and the respondent's side: anyone.
    "GET /static/<path:filename>": public(success=(404,)),
    "GET /healthz": public(),
    "GET /api/v1/openapi.json": public(),
    "GET /api/v1/docs": public(),
    "GET /api/v1/docs/assets/<path:filename>": public(),
    "GET /api/v1/municipalities": public(),
    "GET /api/v1/municipalities/<string:number>": public(),
    # Trends: every role; a municipality key its own municipality only (403 otherwise).
    "GET /api/v1/municipalities/<string:number>/trends": rule(
        *READERS, scope="municipality", query=INSTRUMENT
    ),
    "GET /api/v1/instruments": public(),
    "GET /api/v1/instruments/<string:key>": public(),
    "GET /api/v1/instruments/<string:key>/versions/<string:version>": public(),
    "GET /api/v1/public/surveys/<string:public_id>": public(),
    "POST /api/v1/public/surveys/<string:public_id>/responses": public(
        success=(201,), json="submission"
    ),
    "POST /api/v1/public/withdrawals": public(success=(404,), json={"receipt": "NOPE-NOPE"}),
    "DELETE /api/v1/public/responses/<string:receipt>": public(success=(404,)),
    "GET /s/assets/<path:filename>": public(),
    "GET /embed.js": public(),
    "GET /s/<public_id>": public(),
    "POST /s/<public_id>": public(success=(201,), data="form"),
    "GET /s/withdraw": public(),
    "POST /s/withdraw": public(success=(404,), data={"receipt": "NOPE-NOPE"}),
    # Publishing an instrument: admin.
    "POST /api/v1/instruments": rule(ADMIN, json="instrument"),
    # Surveys: admin, and a municipality for its own.
    "GET /api/v1/surveys": rule(*OWNERS),
    "POST /api/v1/surveys": rule(*OWNERS, scope="municipality", success=(201,), json="survey"),
    "GET /api/v1/surveys/<int:survey_id>": rule(*OWNERS, scope="survey"),
    "PATCH /api/v1/surveys/<int:survey_id>": rule(
        *OWNERS, scope="survey", json={"title": "Omdømme 2026 (revidert)"}
    ),
    "POST /api/v1/surveys/<int:survey_id>/invitations": rule(
        *OWNERS, scope="survey", success=(201,), json={"count": 2}
    ),
    "GET /api/v1/surveys/<int:survey_id>/fieldwork": rule(*OWNERS, scope="survey"),
    # Comments: the owner and analysts.
    "GET /api/v1/surveys/<int:survey_id>/comments": rule(*OWNERS, ANALYST, scope="survey"),
    # Scores: every role; a municipality its own surveys only.
    "GET /api/v1/surveys/<int:survey_id>/scores": rule(*READERS, scope="survey"),
    "GET /api/v1/surveys/<int:survey_id>/charts/staircase.svg": rule(*READERS, scope="survey"),
    "GET /api/v1/surveys/<int:survey_id>/charts/dimensions.svg": rule(*READERS, scope="survey"),
    "GET /api/v1/surveys/<int:survey_id>/benefit-realisation": rule(*READERS, scope="survey"),
    "GET /api/v1/surveys/<int:survey_id>/breakdowns": rule(
        *READERS, scope="survey", query={"by": "gender"}
    ),
    # A municipality's part of an organiser's survey (``World.gathering``): every role; a
    # municipality key its own part only (another municipality's answers 404).
    "GET /api/v1/surveys/<int:survey_id>/parts/<string:number>": rule(
        *READERS, scope="survey", survey="gathering"
    ),
    "GET /api/v1/scores": rule(*READERS, query=INSTRUMENT),
    # Anonymised response sets: admin and analyst.
    "GET /api/v1/exports/responses": rule(ADMIN, ANALYST, query=INSTRUMENT),
    "GET /api/v1/exports/codebook": rule(ADMIN, ANALYST, query=INSTRUMENT),
    # The front page and the dashboard take no Bearer key but a session cookie
    # (dashboard/session.py): every caller here is a visitor without a session, sent to the
    # sign-in page (303), and signing in without the sign-in form's token is refused (403).
    # tests/dashboard/ test what each role sees once signed in.
    "GET /": public(),
    "GET /dashboard/assets/<path:filename>": public(),
    "GET /dashboard": public(success=(303,)),
    "GET /dashboard/sign-in": public(),
    "POST /dashboard/sign-in": public(success=(403,), data={"key": "svk_x_y"}),
    "POST /dashboard/sign-out": public(success=(303,)),
    "GET /dashboard/national": public(success=(303,)),
    "GET /dashboard/municipalities/<number>": public(success=(303,)),
    "GET /dashboard/municipalities/<number>/new-survey": public(success=(303,)),
    "POST /dashboard/municipalities/<number>/new-survey": public(success=(303,)),
    "GET /dashboard/surveys/<int:survey_id>": public(success=(303,)),
    "POST /dashboard/surveys/<int:survey_id>/status": public(success=(303,)),
    "POST /dashboard/surveys/<int:survey_id>/invitations": public(success=(303,)),
    # Administration: admin.
    "GET /api/v1/audit": rule(ADMIN),
    "GET /api/v1/keys": rule(ADMIN),
    "POST /api/v1/keys": rule(ADMIN, success=(201,), json={"role": "dashboard"}),
    "DELETE /api/v1/keys/<string:prefix>": rule(ADMIN, success=(404,)),
}

#: Credentials that are not a working key, each refused alike with 401.
NOT_A_KEY = ("no key", "malformed key", "unknown key", "revoked key", "expired key")
CALLERS = (*NOT_A_KEY, ADMIN, "municipality own", "municipality other", DASHBOARD, ANALYST)


def operations(app) -> list[tuple[str, str, str]]:
    """Every (method, rule, "METHOD rule") of the route map, HEAD and OPTIONS aside (Flask
    answers them for every rule)."""
    found = []
    for url_rule in app.url_map.iter_rules():
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, url_rule.rule, f"{method} {url_rule.rule}"))
    return sorted(found, key=lambda o: o[2])


def test_every_route_has_a_declared_access_rule(app):
    declared = set(ACCESS)
    routed = {name for _, _, name in operations(app)}
    assert routed - declared == set(), "routes without an access rule in ACCESS"
    assert declared - routed == set(), "access rules for routes that no longer exist"


def test_the_openapi_document_marks_exactly_the_protected_operations(client):
    """The document's ``security`` says which operations need a key: the same as ACCESS."""
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations_of_path in spec["paths"].items():
        for method, operation in operations_of_path.items():
            if method == "parameters":  # shared by the path's operations, not one
                continue
            name = f"{method.upper()} {_flask_rule(path)}"
            protected = ACCESS[name].roles is not None
            assert bool(operation.get("security")) == protected, name
            assert ("401" in operation["responses"]) == protected, name


def _flask_rule(openapi_path: str) -> str:
    """``/surveys/{survey_id}`` -> the route map's ``/surveys/<int:survey_id>``."""
    converters = {"survey_id": "int"}
    return re.sub(
        r"\{(\w+)\}",
        lambda m: f"<{converters.get(m[1], 'string')}:{m[1]}>",
        openapi_path,
    )


@dataclass
class World:
    """The survey every survey-scoped request names (of municipality OWN), the network's
    survey OWN takes part in (for a part), and the headers of each caller."""

    survey: dict[str, Any]
    gathering: dict[str, Any]
    headers: dict[str, dict[str, str]]


def _world(app, client, make_key: Callable[..., str]) -> World:
    admin = make_key(ADMIN)
    survey = open_survey(client, admin, municipality=OWN)
    gathering = client.post(
        "/api/v1/surveys",
        json={
            "organiser": {"kind": "network"},
            "participants": [OWN],
            "instrument": "samlingsevaluering",
            "audience": "mixed",
            "title": "Samlinga",
        },
        headers=bearer(admin),
    ).get_json()
    revoked = make_key(ADMIN, name="revoked")
    expired = make_key(ADMIN, name="expired")
    with app.app_context():
        revoke_key(db.session, revoked.split("_")[1], actor="tests")
        key = db.session.scalars(select(ApiKey).where(ApiKey.name == "expired")).one()
        key.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    prefix, secret = admin.split("_")[1], admin.split("_", 2)[2]
    headers = {
        "no key": {},
        "malformed key": bearer(f"svk_{prefix}"),
        "unknown key": bearer(f"svk_{'0' * len(prefix)}_{secret}"),
        "revoked key": bearer(revoked),
        "expired key": bearer(expired),
        ADMIN: bearer(admin),
        "municipality own": bearer(make_key(MUNICIPALITY, OWN)),
        "municipality other": bearer(make_key(MUNICIPALITY, OTHER)),
        DASHBOARD: bearer(make_key(DASHBOARD)),
        ANALYST: bearer(make_key(ANALYST)),
    }
    return World(survey, gathering, headers)


_PATH_VALUES = {
    "number": OWN,
    "key": "omdommetrappen",
    "version": "1.0.0",
    "receipt": "NOPE-NOPE",
    "prefix": "nosuchprefix",
}


def _url(rule_text: str, world: World, rule_: Rule) -> str:
    survey = world.gathering if rule_.request.get("survey") == "gathering" else world.survey
    values = {
        **_PATH_VALUES,
        "survey_id": str(survey["id"]),
        "public_id": survey["public_id"],
    }

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        if name == "filename":
            if rule_text.startswith("/dashboard/assets"):
                return "dashboard.css"
            return "embed.js" if rule_text.startswith("/s/assets") else "swagger-ui.css"
        return values[name]

    return re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, rule_text)


def _body(kind: Any, caller: str) -> Any:
    """A valid body for the operation (made fresh: submissions need new ids)."""
    if kind == "submission":
        return {"submission_id": str(uuid.uuid4()), "answers": answers_for("omdommetrappen")}
    if kind == "form":
        answers = {f"a.{k}": str(v) for k, v in answers_for("omdommetrappen").items()}
        return {"submission_id": str(uuid.uuid4()), "language": "nb", **answers}
    if kind == "survey":
        return {
            "municipality": OWN,
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": f"Omdømme ({caller})",
        }
    if kind == "instrument":
        # Published by `init` already: an admin's POST of the same content answers 200.
        folder = resources.files("survey_service.instruments").joinpath("data")
        return yaml.safe_load(folder.joinpath("samlingsevaluering-1.0.0.yaml").read_text())
    return kind


def _expected(rule_: Rule, caller: str) -> str:
    """What the caller should get: "401", "403", "404" or "pass" (the rule's success)."""
    if rule_.roles is None:
        return "pass"
    if caller in NOT_A_KEY:
        return "401"
    role = MUNICIPALITY if caller.startswith(MUNICIPALITY) else caller
    if role not in rule_.roles:
        return "403"
    if caller == "municipality other":
        return {"survey": "404", "municipality": "403"}.get(rule_.scope or "", "pass")
    return "pass"


def _call(client, method: str, url: str, rule_: Rule, caller: str, headers: dict[str, str]):
    request = rule_.request
    kwargs: dict[str, Any] = {"headers": headers}
    if "json" in request:
        kwargs["json"] = _body(request["json"], caller)
    if "data" in request:
        kwargs["data"] = _body(request["data"], caller)
    if "query" in request:
        kwargs["query_string"] = request["query"]
    return client.open(url, method=method, **kwargs)


def _problem(response, expected: str, rule_: Rule, caller: str) -> str | None:
    """Why the response is not what ``expected`` means, or None."""
    status = response.status_code
    if expected == "pass":
        if status not in rule_.success:
            return f"expected {sorted(rule_.success)}, got {status}"
        return None
    if status != int(expected):
        return f"expected {expected}, got {status}"
    body = response.get_json(silent=True) or {}
    if body.get("code") != status or not body.get("message"):
        return f"not the JSON error payload: {response.get_data(as_text=True)[:200]}"
    if expected == "401" and response.headers.get("WWW-Authenticate") != "Bearer":
        return "401 without WWW-Authenticate: Bearer"
    role = caller.split()[0]
    if expected == "403" and rule_.scope != "municipality" and role not in body["message"]:
        return f"403 that does not name the role: {body['message']}"
    return None


def test_authorization_matrix(app, client, make_key):
    world = _world(app, client, make_key)
    wrong = []
    cells = 0
    for method, rule_text, name in operations(app):
        rule_ = ACCESS[name]
        url = _url(rule_text, world, rule_)
        for caller in CALLERS:
            expected = _expected(rule_, caller)
            response = _call(client, method, url, rule_, caller, world.headers[caller])
            problem = _problem(response, expected, rule_, caller)
            response.close()
            cells += 1
            if problem:
                wrong.append(f"{name} as {caller}: {problem}")
    assert cells == len(ACCESS) * len(CALLERS)
    assert not wrong, "\n".join(wrong)

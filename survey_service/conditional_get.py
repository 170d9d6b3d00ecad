"""Conditional GET for reads a dashboard polls: ``ETag``, ``If-None-Match`` and ``304``.

A view gets it with one line, ``@blp.conditional(validator)`` under ``@blp.requires`` (best
right above ``@blp.response``, so the query is validated first). Before the view runs, the
validator reads, in one small statement, the state its body depends on (``read_versions``);
the ETag hashes that state with everything else that shapes the body:

- the code (every file of the package, and the numpy and scipy versions) and the settings
  (every ``SURVEY_*`` one but the secret key and the database URL), each hashed once;
- the endpoint, its path and its query string (language, confidence level, filters);
- the caller's scope: the key's role and, for a municipality key, its municipality, so two
  keys with different access never share a tag.

An ``If-None-Match`` that holds the tag (or ``*``) is answered ``304`` with no body, and the
view never runs; otherwise the view's ``200`` carries the tag. The state is read before the
body, never after, so a change in between labels a newer body with an older tag, which never
matches again (``services/read_state.py``).

The tag is **weak** (``W/"..."``): it vouches for the same figures, not the same bytes (a
newer numpy may print a float's last digit differently, and the comments come in a new order
each time). ``If-None-Match`` compares weakly anyway (RFC 9110, 13.1.2).

``Cache-Control: private, no-cache``: only the caller's own browser may keep the body (it is
the view of one key; ``Vary: Authorization`` too), and it must ask each time before reusing
it. A figure published is then seen at the very next poll, never a ``max-age`` later, and
asking costs a 304. Comments stay ``no-store``: free text is not kept on disk, though a
client that keeps it itself may still ask with its tag.

A view whose body is costly and the same for every caller with the same tag may also keep
its last few bodies in the process (``keep=``): a request whose tag is kept gets that body
without the view running. This is safe for the same reason the 304 is: the tag covers all
the body depends on, and a state never comes back once it has changed, so a body kept under
an older tag is never served again (it ages out of the few kept).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass
from functools import cache, partial, wraps
from importlib.metadata import version
from pathlib import Path
from typing import Any

from flask import Flask, Response, after_this_request, current_app, request
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from survey_service.auth import current_principal
from survey_service.db import db
from survey_service.services.access import Principal

__all__ = ["NO_STORE", "REVALIDATE", "Read", "Validator", "conditional"]

REVALIDATE = "private, no-cache"
NO_STORE = "no-store"

#: Part of every tag: raise it when the way tags are made changes.
_FORMAT = 1
#: Settings that hold secrets: never hashed into a tag that anyone may read.
_SECRET_SETTINGS = frozenset({"SURVEY_SECRET_KEY", "SURVEY_DATABASE_URL"})


@dataclass(frozen=True)
class Read:
    """What a validator may look at: the request as the view will see it."""

    session: Session
    principal: Principal
    path: Mapping[str, Any]
    query: MultiDict[str, str]
    config: Mapping[str, Any]


#: Reads the state a view's body depends on; None when the view will not answer 200 (a
#: survey the key may not see: the view's 404 then answers, with no tag).
Validator = Callable[[Read], Any]


class KeptBodies:
    """The last ``size`` bodies of one view's 200s in this process, by tag (least recently
    used first out). Workers keep their own; a lock because a server may run threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._bodies: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tag: str) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._bodies.get(tag)
            if found is not None:
                self._bodies.move_to_end(tag)
            return found

    def keep(self, tag: str, response: Any) -> None:
        """Keep a whole, non-streamed 200 (anything else is left alone)."""
        if not isinstance(response, Response) or response.status_code != 200:
            return
        if response.is_streamed:
            return
        with self._lock:
            self._bodies[tag] = (response.get_data(), response.mimetype or "application/json")
            self._bodies.move_to_end(tag)
            while len(self._bodies) > self.size:
                self._bodies.popitem(last=False)


def conditional(
    blueprint: Any, validator: Validator, *, cache_control: str = REVALIDATE, keep: int = 0
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Answer ``If-None-Match`` with 304 and label each 200 with an ETag (module docstring);
    documented in OpenAPI through the framework: the ``If-None-Match`` parameter, the 304
    and the headers of both. ``keep``: how many recent bodies this process keeps and
    serves again by tag (0: none)."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            state = validator(_read())
            if state is None:
                return func(*args, **kwargs)
            tag = _tag(state)
            if request.if_none_match.contains_weak(tag):
                return _not_modified(tag, cache_control)
            after_this_request(partial(_label, tag=tag, cache_control=cache_control))
            if not keep:
                return func(*args, **kwargs)
            kept = _kept_bodies(func.__qualname__, keep)
            found = kept.get(tag)
            if found is not None:
                body, mimetype = found
                return current_app.response_class(body, mimetype=mimetype)
            response = func(*args, **kwargs)
            kept.keep(tag, response)
            return response

        # flask-smorest documents If-None-Match, the ETag header and a 304 for a view marked
        # "etag" (its own ETag decorator hashes the body, after computing it, so it is not
        # used); the manual doc adds the other headers and says what the 304 means.
        wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))  # type: ignore[attr-defined]
        wrapper._apidoc["etag"] = True  # type: ignore[attr-defined]
        headers = _headers(cache_control)
        documented: Callable[..., Any] = blueprint.doc(
            responses={
                200: {"headers": headers},
                304: {
                    "description": "Not Modified: the body held with the ETag sent in "
                    "If-None-Match is still what this read would answer; no body",
                    "headers": headers,
                },
            }
        )(wrapper)
        return documented

    return decorator


def _kept_bodies(view: str, size: int) -> KeptBodies:
    """The bodies kept for ``view`` by this app (each app its own: a tag names a state of
    the app's own database)."""
    by_view: dict[str, KeptBodies] = current_app.extensions.setdefault("conditional_get_bodies", {})
    with _NEW_KEEPER:
        return by_view.setdefault(view, KeptBodies(size))


_NEW_KEEPER = threading.Lock()


def _read() -> Read:
    principal = current_principal()
    # The scope of the key is part of the tag: the role check must have run first.
    assert principal is not None, "@blp.conditional goes below @blp.requires"
    return Read(db.session, principal, request.view_args or {}, request.args, current_app.config)


def _tag(state: Any) -> str:
    """The weak ETag's opaque value: a hash of the state and all else that shapes the body."""
    principal = current_principal()
    assert principal is not None
    material = [
        _FORMAT,
        _code_version(),
        _settings_version(current_app),
        request.endpoint,
        sorted((request.view_args or {}).items()),
        sorted(request.args.items(multi=True)),
        [principal.role, principal.municipality_scope],
        state,
    ]
    text = json.dumps(material, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _not_modified(tag: str, cache_control: str) -> Response:
    # JSON, like the 200 it stands for (werkzeug leaves the type out of a 304 on the wire).
    response = current_app.response_class(status=304, mimetype="application/json")
    return _label(response, tag=tag, cache_control=cache_control)


def _label(response: Response, *, tag: str, cache_control: str) -> Response:
    """The headers of a 200 and of its 304 (RFC 9110, 15.4.5: the 304 repeats them)."""
    if response.status_code in (200, 304):
        response.set_etag(tag, weak=True)
        response.headers["Cache-Control"] = cache_control
        response.vary.add("Authorization")
    return response


def _headers(cache_control: str) -> dict[str, Any]:
    return {
        "ETag": {
            "description": "A weak tag of this body: send it back in If-None-Match",
            "required": True,
            "schema": {"type": "string", "pattern": '^W/"[0-9a-f]{32}"$'},
        },
        "Cache-Control": {
            "description": "Only the caller's browser may keep the body, asking again each "
            "time before it shows it"
            if cache_control == REVALIDATE
            else "Nothing may keep the body",
            "required": True,
            "schema": {"type": "string", "enum": [cache_control]},
        },
        "Vary": {
            "description": "The body depends on the key (and, from a browser, the origin)",
            "required": True,
            "schema": {"type": "string"},
        },
    }


@cache
def _code_version() -> str:
    """A hash of every file of the package and of the numerical libraries' versions: a
    release that changes how a figure is computed, or what a read shows, changes every tag."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for library in ("numpy", "scipy"):
        digest.update(f"{library}=={version(library)}".encode())
    return digest.hexdigest()


def _settings_version(app: Flask) -> str:
    """A hash of the settings (which take effect on start), once per app."""
    known: str | None = app.extensions.get("conditional_get_settings")
    if known is None:
        settings = {
            name: repr(value)
            for name, value in app.config.items()
            if name.startswith("SURVEY_") and name not in _SECRET_SETTINGS
        }
        known = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
        app.extensions["conditional_get_settings"] = known
    return known

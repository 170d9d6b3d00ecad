"""Headers on every API response: no sniffing, no referrer, no caching of secrets, and a
Content-Security-Policy. The respondent's pages set their own (``pages/routes.py``)."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

#: API reads that are public and the same for everyone, which a cache may keep: the
#: instrument catalogue, the municipalities, the OpenAPI document and its Swagger UI.
_CACHEABLE = (
    "/api/v1/instruments",
    "/api/v1/municipalities",
    "/api/v1/openapi.json",
    "/api/v1/docs",
)

#: JSON, CSV and the like are never a page: nothing in them may run or be framed.
_DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def init_app(app: Flask) -> None:
    app.after_request(_api_headers)


def _api_headers(response: Response) -> Response:
    """``Cache-Control: no-store`` on all but the public reads in ``_CACHEABLE`` (GET or
    HEAD), since the rest hold keys' views, invitation tokens, receipts, scores or the audit
    log, which must not stay in a browser's or a proxy's cache; unless the view chose its own
    (the reads a dashboard polls keep ``private, no-cache``: ``conditional_get``)."""
    path = request.path
    if not path.startswith("/api/"):
        return response
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = (
        _docs_policy(response) if response.mimetype == "text/html" else _DATA_POLICY
    )
    cacheable = request.method in ("GET", "HEAD") and any(
        path == prefix or path.startswith(f"{prefix}/") for prefix in _CACHEABLE
    )
    if not cacheable and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def _docs_policy(response: Response) -> str:
    """The Swagger UI page: its own assets, and only the inline script the page itself holds
    (allowed by its hash, so nothing injected could run). Swagger UI sets inline styles and
    draws icons from ``data:`` images."""
    body = b"" if response.direct_passthrough else response.get_data()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(body)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    )

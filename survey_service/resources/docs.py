"""Swagger UI's assets, served from the installed ``swagger-ui-bundle`` package (no CDN)."""

from __future__ import annotations

from flask import Flask, abort, send_from_directory
from flask.typing import ResponseReturnValue

_ALLOWED = {
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-32x32.png",
    "favicon-16x16.png",
}


def asset(filename: str) -> ResponseReturnValue:
    import swagger_ui_bundle

    if filename not in _ALLOWED:
        abort(404)
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


def init_app(app: Flask) -> None:
    app.add_url_rule("/api/v1/docs/assets/<path:filename>", "docs_asset", asset)

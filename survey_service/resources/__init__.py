"""HTTP resources: one folder per resource with its routes and schemas, registered on a
fresh :class:`~survey_service.api.Api` per app (the OpenAPI document is built per app)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from survey_service.api import BEARER_AUTH, Api
from survey_service.http_errors import database_fault_response, service_error_response
from survey_service.resources import docs, health
from survey_service.resources.audit.routes import blp as audit
from survey_service.resources.breakdowns.routes import blp as breakdowns
from survey_service.resources.charts.routes import blp as charts
from survey_service.resources.exports.routes import blp as exports
from survey_service.resources.instruments.routes import blp as instruments
from survey_service.resources.keys.routes import blp as keys
from survey_service.resources.municipalities.routes import blp as municipalities
from survey_service.resources.public.routes import blp as public
from survey_service.resources.scores.routes import blp as scores
from survey_service.resources.surveys.routes import blp as surveys
from survey_service.services.errors import ServiceError


def init_api(app: Flask) -> Api:
    """Attach a fresh Api to ``app`` with every resource, and map the core's errors and the
    database's faults."""
    api = Api(app)
    api.spec.components.security_scheme(
        BEARER_AUTH,
        {"type": "http", "scheme": "bearer", "description": "An API key from `keys create`"},
    )
    app.register_error_handler(ServiceError, service_error_response)
    app.register_error_handler(SQLAlchemyError, database_fault_response)
    health.init_app(app)
    docs.init_app(app)
    api.register_blueprint(municipalities, url_prefix="/api/v1/municipalities")
    api.register_blueprint(instruments, url_prefix="/api/v1/instruments")
    api.register_blueprint(surveys, url_prefix="/api/v1/surveys")
    api.register_blueprint(charts, url_prefix="/api/v1/surveys")
    api.register_blueprint(breakdowns, url_prefix="/api/v1/surveys")
    api.register_blueprint(public, url_prefix="/api/v1/public")
    api.register_blueprint(scores, url_prefix="/api/v1/scores")
    api.register_blueprint(exports, url_prefix="/api/v1/exports")
    api.register_blueprint(audit, url_prefix="/api/v1/audit")
    api.register_blueprint(keys, url_prefix="/api/v1/keys")
    return api

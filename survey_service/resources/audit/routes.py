"""The audit log: administrative actions and exports, newest first."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import func, select

from survey_service.api import Blueprint
from survey_service.db import db
from survey_service.models import AuditEntry
from survey_service.resources.audit.schemas import AuditEntrySchema, AuditQuerySchema

blp = Blueprint("audit", __name__, description="Who did what: the audit log (admins).")


@blp.route("")
class AuditLog(MethodView):
    @blp.requires("admin")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate(page_size=50, max_page_size=500)
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """Read the audit log

        Newest first, paginated (`page`, `page_size`; the `X-Pagination` header has the
        totals). `action` filters by action (`export.*` for a prefix), `since` by time.
        """
        statement = select(AuditEntry)
        action = query.get("action")
        if action:
            if action.endswith("*"):
                statement = statement.where(AuditEntry.action.startswith(action[:-1]))
            else:
                statement = statement.where(AuditEntry.action == action)
        if "since" in query:
            statement = statement.where(AuditEntry.at >= query["since"])
        total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
        pagination_parameters.item_count = total
        page = (
            statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset(pagination_parameters.first_item)
            .limit(pagination_parameters.page_size)
        )
        return db.session.scalars(page).all()

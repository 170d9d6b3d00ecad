"""API keys (admins): list them, create one (its plain text is shown once), revoke one."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView

from survey_service.api import Blueprint
from survey_service.auth import current_principal
from survey_service.db import db
from survey_service.resources.keys.schemas import CreatedKeySchema, KeyCreateSchema, KeySchema
from survey_service.services import keys

blp = Blueprint(
    "keys",
    __name__,
    description="API keys (admins): a key's secret is shown once, when it is created.",
)


def _actor() -> str:
    principal = current_principal()
    assert principal is not None
    return principal.label


@blp.route("")
class Keys(MethodView):
    @blp.requires("admin")
    @blp.response(200, KeySchema(many=True))
    def get(self) -> Any:
        """List the API keys

        Every key, oldest first, with its role, expiry and whether it is revoked; never a
        secret or its hash.
        """
        return keys.list_keys(db.session)

    @blp.requires("admin")
    @blp.arguments(KeyCreateSchema)
    @blp.response(201, CreatedKeySchema)
    @blp.error(422, "The role, municipality or expiry is not valid")
    def post(self, data: dict[str, Any]) -> Any:
        """Create an API key

        The response's `key` is the only time the key can be read: store it now. A
        municipality key needs `municipality`; `expires_at` (in the future) makes the key
        stop working then. Audited as `key.create`.
        """
        key, plain = keys.create_key(
            db.session,
            role=data["role"],
            municipality=data["municipality"],
            name=data["name"],
            expires_at=data["expires_at"],
            actor=_actor(),
        )
        db.session.commit()
        return {**asdict(keys.summary(key)), "key": plain}


@blp.route("/<string:prefix>")
class KeyByPrefix(MethodView):
    @blp.requires("admin")
    @blp.response(204)
    @blp.error(404, "No key has this prefix")
    def delete(self, prefix: str) -> None:
        """Revoke an API key

        The key stops working at once. `prefix` is the part of the key after `svk_` and
        before the next `_` (never send the whole key in a URL). Revoking a revoked key
        changes nothing (204). Audited as `key.revoke`.
        """
        keys.revoke_key(db.session, prefix, actor=_actor())
        db.session.commit()

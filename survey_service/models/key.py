from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_service.database import Base
from survey_service.models._types import UTCDateTime, one_of, utcnow


class Role(StrEnum):
    """What an API key may do (see ``auth.py``)."""

    ADMIN = "admin"
    MUNICIPALITY = "municipality"  # its own municipality's surveys
    DASHBOARD = "dashboard"
    ANALYST = "analyst"


ROLES: tuple[str, ...] = tuple(role.value for role in Role)


class ApiKey(Base):
    """An API key: a public prefix to find it, and only a hash of its secret part.

    A key works until it is revoked (``revoked_at``) or its expiry passes (``expires_at``,
    none for a key that does not expire).
    """

    __tablename__ = "api_key"
    __table_args__ = (one_of("role", ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    municipality_number: Mapped[str | None] = mapped_column(
        ForeignKey("municipality.number", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

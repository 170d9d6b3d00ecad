"""The data model: one module per aggregate. See docs/design.md for why it looks this way."""

from survey_service.models.aggregate import FormCounter, ScoreAggregate, ScoreSnapshot
from survey_service.models.audit import AuditEntry
from survey_service.models.breakdown import BreakdownSnapshot, BreakdownStep
from survey_service.models.instrument import InstrumentRecord, InstrumentVersion
from survey_service.models.key import ApiKey, Role
from survey_service.models.municipality import Municipality
from survey_service.models.response import Response
from survey_service.models.survey import (
    AccessKind,
    Invitation,
    InvitationLedger,
    OrganiserKind,
    Survey,
    SurveyParticipant,
    SurveyStatus,
)

__all__ = [
    "AccessKind",
    "ApiKey",
    "AuditEntry",
    "BreakdownSnapshot",
    "BreakdownStep",
    "FormCounter",
    "InstrumentRecord",
    "InstrumentVersion",
    "Invitation",
    "InvitationLedger",
    "Municipality",
    "OrganiserKind",
    "Response",
    "Role",
    "ScoreAggregate",
    "ScoreSnapshot",
    "Survey",
    "SurveyParticipant",
    "SurveyStatus",
]

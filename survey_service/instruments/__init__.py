"""Instruments: versioned questionnaires with the rules that turn answers into scores.

Definitions are data files (``data/<key>-<version>.yaml``, format in ``FORMAT.md``),
validated at load time into frozen objects. This package is pure: no Flask, no SQLAlchemy.

Errors::

    ProblemsError (ValueError)   .problems: tuple[Problem(path, message, code), ...]
    ├── InstrumentError          a malformed definition
    └── AnswerError              answers or respondent attributes that do not fit
"""

from .answers import (
    allowed_attribute_codes,
    attribute_requests,
    validate_answers,
    validate_respondent,
)
from .bundled import bundled, load_bundled
from .conditions import condition_met, is_enabled
from .errors import AnswerError, InstrumentError, Problem, ProblemsError
from .model import Instrument
from .parts import (
    AnswerOption,
    AttributeRequest,
    Condition,
    Dimension,
    DimensionRule,
    GapPair,
    IndexRule,
    Item,
    Scoring,
    Staircase,
)
from .render import render
from .scores import (
    ResponseScores,
    StaircaseAttainment,
    dimension_score,
    index_score,
    item_score,
    score_response,
    staircase_attainment,
)
from .versions import parse_version, version_key
from .vocabulary import (
    AUDIENCE_LABELS,
    AUDIENCES,
    DONT_KNOW,
    ITEM_TYPES,
    LANGUAGES,
    PREFER_NOT_TO_SAY,
    RESPONDENT_ATTRIBUTES,
    UI_LABELS,
    RespondentAttribute,
    Text,
    VocabularyOption,
)

__all__ = [
    "AUDIENCES",
    "AUDIENCE_LABELS",
    "DONT_KNOW",
    "ITEM_TYPES",
    "LANGUAGES",
    "PREFER_NOT_TO_SAY",
    "RESPONDENT_ATTRIBUTES",
    "UI_LABELS",
    "AnswerError",
    "AnswerOption",
    "AttributeRequest",
    "Condition",
    "Dimension",
    "DimensionRule",
    "GapPair",
    "IndexRule",
    "Instrument",
    "InstrumentError",
    "Item",
    "Problem",
    "ProblemsError",
    "RespondentAttribute",
    "ResponseScores",
    "Scoring",
    "Staircase",
    "StaircaseAttainment",
    "Text",
    "VocabularyOption",
    "allowed_attribute_codes",
    "attribute_requests",
    "bundled",
    "condition_met",
    "dimension_score",
    "index_score",
    "is_enabled",
    "item_score",
    "load_bundled",
    "parse_version",
    "render",
    "score_response",
    "staircase_attainment",
    "validate_answers",
    "validate_respondent",
    "version_key",
]

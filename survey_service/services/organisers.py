"""Surveys an organiser runs for several municipalities: the network's gathering, KS, a county.

Such a survey belongs to no municipality (``survey.municipality_number`` is null). It lists
the municipalities taking part; each respondent says which of them they come from (the
respondent attribute ``municipality``, required), and each municipality's key sees the survey
and its own part of the results (``survey_parts``), never the responses of another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.models import Municipality, OrganiserKind, Survey, SurveyParticipant

#: The network of the programme *Saman om ein betre kommune*, as it names itself.
NETWORK_NAME = "Saman om ein betre kommune"
KS_NAME = "KS"

#: The respondent attribute that says which participating municipality a respondent is from.
ATTRIBUTE = "municipality"

#: The question on the form, in each language.
QUESTION: Mapping[str, str] = {
    "nb": "Hvilken kommune kommer du fra?",
    "nn": "Kva kommune kjem du frå?",
    "en": "Which municipality are you from?",
}
#: The empty first choice of the list.
CHOOSE: Mapping[str, str] = {
    "nb": "Velg kommune",
    "nn": "Vel kommune",
    "en": "Choose a municipality",
}


def question(lang: str, participants: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """The question "which municipality" as a rendered questionnaire's respondent entry: a
    required choice among the participants, shown as one list (``control``: ``select``)."""
    return {
        "attribute": ATTRIBUTE,
        "question": QUESTION[lang],
        "required": True,
        "type": "choice",
        "control": "select",
        "placeholder": CHOOSE[lang],
        "answerOption": [{"value": p["number"], "label": p["name"]} for p in participants],
    }


def choice_problem(survey: Survey, chosen: object) -> str | None:
    """What is wrong with a respondent's answer to "which municipality" (None: nothing)."""
    if chosen is None or chosen == "":
        return "this question must be answered: the municipality you come from"
    if not isinstance(chosen, str) or chosen not in survey.participants:
        return (
            f"unknown municipality code {chosen!r} (allowed: the participating "
            f"municipalities' numbers, {', '.join(survey.participants)})"
        )
    return None


def runner_name(survey: Survey) -> str:
    """Who runs the survey, by name: the municipality, or the organiser."""
    if survey.municipality is not None:
        return survey.municipality.name
    return survey.organiser_name or NETWORK_NAME


def organiser_of(survey: Survey) -> dict[str, Any] | None:
    """The organiser as clients see it; None for a municipality's own survey."""
    if survey.organiser_kind is None:
        return None
    return {
        "kind": survey.organiser_kind,
        "county": survey.organiser_county,
        "name": survey.organiser_name,
    }


def participant_names(session: Session, survey: Survey) -> list[dict[str, str]]:
    """The participating municipalities with their names, ordered by name."""
    numbers = survey.participants
    if not numbers:
        return []
    rows = session.execute(
        select(Municipality.number, Municipality.name).where(Municipality.number.in_(numbers))
    ).all()
    return [
        {"number": number, "name": name}
        for number, name in sorted(rows, key=lambda row: (row.name, row.number))
    ]


def check_organiser(
    session: Session, organiser: Mapping[str, Any], add: Any
) -> tuple[str, str | None, str] | None:
    """(kind, county number, name) of a requested organiser, or None after ``add(field,
    message)`` for each problem."""
    kind = organiser.get("kind")
    county = organiser.get("county")
    name = (organiser.get("name") or "").strip() or None
    if kind not in tuple(k.value for k in OrganiserKind):
        add("organiser", "kind must be one of: network, ks, county.")
        return None
    if kind != OrganiserKind.COUNTY:
        if county is not None:
            add("organiser", "Only a county organiser has a county number.")
            return None
        return kind, None, name or (NETWORK_NAME if kind == OrganiserKind.NETWORK else KS_NAME)
    if not county:
        add("organiser", "A county organiser needs its county number, e.g. 46.")
        return None
    county_name = session.scalar(
        select(Municipality.county).where(Municipality.county_number == county).limit(1)
    )
    if county_name is None:
        add("organiser", f"No county has the number {county!r}.")
        return None
    return kind, county, name or county_name


def check_participants(
    session: Session, numbers: Sequence[str], add: Any, *, field: str = "participants"
) -> list[str]:
    """The participating municipalities' numbers, in order, once each is known; else
    ``add(field, message)``."""
    if not numbers:
        add(field, "An organiser's survey needs at least one participating municipality.")
        return []
    repeated = sorted({n for n in numbers if list(numbers).count(n) > 1})
    if repeated:
        add(field, f"Listed more than once: {', '.join(repeated)}.")
    known = set(
        session.scalars(select(Municipality.number).where(Municipality.number.in_(set(numbers))))
    )
    unknown = [n for n in numbers if n not in known]
    if unknown:
        add(field, f"No municipality has the number: {', '.join(unknown)}.")
    return sorted(set(numbers))


def set_participants(survey: Survey, numbers: Iterable[str]) -> None:
    """Make ``numbers`` the survey's participating municipalities."""
    wanted = sorted(set(numbers))
    kept = [row for row in survey.participant_rows if row.municipality_number in wanted]
    have = {row.municipality_number for row in kept}
    survey.participant_rows = kept + [
        SurveyParticipant(municipality_number=n) for n in wanted if n not in have
    ]

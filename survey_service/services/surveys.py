"""Creating, finding and changing surveys, with every rule a municipality relies on."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import Session, joinedload, with_expression

from survey_service.instruments import AUDIENCES, RESPONDENT_ATTRIBUTES, Instrument
from survey_service.models import (
    InstrumentRecord,
    InstrumentVersion,
    InvitationLedger,
    Municipality,
    Survey,
    SurveyParticipant,
)
from survey_service.services import audit, organisers, snapshots
from survey_service.services.access import Principal, listed_surveys
from survey_service.services.errors import Conflict, Forbidden, Invalid
from survey_service.services.instrument_catalog import as_instrument, find_version, newest_version
from survey_service.services.origins import is_origin
from survey_service.services.score_store import Cells

#: Allowed status changes: the lifecycle is draft -> open -> closed.
TRANSITIONS = {("draft", "open"), ("open", "closed"), ("draft", "closed")}


class SurveyInvalid(Invalid):
    """Field-level problems with a survey: ``errors`` maps a field to its messages."""


class SurveyConflict(Conflict):
    """The change is not possible in the survey's current state."""


@dataclass
class _Problems:
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_any(self, message: str) -> None:
        if self.errors:
            raise SurveyInvalid(message, self.errors)


@dataclass(frozen=True)
class SurveyFilters:
    """What a list of surveys may be narrowed to (each None: any)."""

    municipality: str | None = None
    status: str | None = None
    period: str | None = None
    instrument: str | None = None


#: A public id: ``secrets.token_urlsafe(12)``, stored in 32 characters at most.
_PUBLIC_ID_LENGTH = 32


def find_by_public_id(session: Session, public_id: str) -> Survey | None:
    """The survey with this public id, or None. A value no public id can be (too long, or
    holding a control character such as NUL, which the database cannot compare) finds nothing
    without asking the database."""
    if len(public_id) > _PUBLIC_ID_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in public_id):
        return None
    return session.scalar(_BY_PUBLIC_ID, {"public_id": public_id})


# Every submission starts here, so the statement is built once. The version comes in the same
# statement, without its definition: the parsed instrument is cached by content hash
# (``as_instrument``), which reads the definition once per process. So does whether the
# survey has an invitation ledger, which a submission without a token rewrites only then.
_BY_PUBLIC_ID = (
    select(Survey)
    .where(Survey.public_id == bindparam("public_id"))
    .options(
        joinedload(Survey.instrument_version).defer(InstrumentVersion.definition),
        with_expression(
            Survey.has_ledger,
            exists().where(InvitationLedger.survey_id == Survey.id),
        ),
    )
)


def list_surveys(
    session: Session, principal: Principal, filters: SurveyFilters
) -> Sequence[Survey]:
    """The surveys the caller may list that match ``filters``, oldest first: for a
    municipality key also the organisers' surveys its municipality takes part in."""
    statement = listed_surveys(principal).order_by(Survey.id)
    if filters.municipality is not None:
        taking_part = select(SurveyParticipant.survey_id).where(
            SurveyParticipant.municipality_number == filters.municipality
        )
        statement = statement.where(
            or_(Survey.municipality_number == filters.municipality, Survey.id.in_(taking_part))
        )
    if filters.status is not None:
        statement = statement.where(Survey.status == filters.status)
    if filters.period is not None:
        statement = statement.where(Survey.period == filters.period)
    if filters.instrument is not None:
        statement = (
            statement.join(InstrumentVersion)
            .join(InstrumentRecord)
            .where(InstrumentRecord.key == filters.instrument)
        )
    return session.scalars(statement).all()


def scored_keys(instrument: Instrument) -> tuple[str, ...]:
    """The keys a target may name: the instrument's dimensions and indices."""
    return tuple(instrument.dimension_keys) + tuple(i.key for i in instrument.scoring.indices)


def create_survey(
    session: Session,
    data: Mapping[str, Any],
    *,
    actor: str,
    municipality_scope: str | None = None,
) -> Survey:
    """A new draft survey, run by a municipality (``municipality``) or by an organiser
    (``organiser`` with ``participants``). ``municipality_scope`` is the only municipality
    whose surveys the caller may see (a municipality key's), or None for a caller who sees
    every survey; a survey the caller may not see is named exactly as one that does not
    exist."""
    if municipality_scope is not None and (
        data.get("organiser") is not None or data.get("municipality") != municipality_scope
    ):
        raise Forbidden(
            "A municipality key may create surveys only for its own municipality; an "
            "organiser's survey is created with an admin key."
        )
    checked = _checked(session, data, municipality_scope)
    version, municipality = checked.version, checked.municipality
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    standard = municipality.written_standard if municipality is not None else None
    if checked.organiser is not None and checked.organiser[0] == "network":
        standard = "nn"  # the network writes Nynorsk, as its name does
    language = data.get("default_language") or standard or "nb"
    kind, county, name = checked.organiser or (None, None, None)
    survey = Survey(
        public_id=secrets.token_urlsafe(12),
        municipality_number=municipality.number if municipality is not None else None,
        organiser_kind=kind,
        organiser_county=county,
        organiser_name=name,
        instrument_version=version,
        audience=data["audience"],
        title=data["title"],
        titles=dict(data.get("titles") or {}),
        access=data.get("access") or "open",
        default_language=language,
        status="draft",
        period=data.get("period") or str((opens_at or datetime.now(UTC)).year),
        opens_at=opens_at,
        closes_at=closes_at,
        population_size=data.get("population_size"),
        baseline_survey_id=checked.baseline.id if checked.baseline is not None else None,
        targets=dict(data.get("targets") or {}),
        embed_origins=list(data.get("embed_origins") or []),
        respondent_attributes=dict(data.get("respondent_attributes") or {}),
        population_margins=dict(data.get("population_margins") or {}),
    )
    organisers.set_participants(survey, checked.participants)
    session.add(survey)
    session.flush()
    audit.record(
        session,
        actor,
        "survey.create",
        f"survey:{survey.id}",
        municipality=survey.municipality_number,
        organiser=name,
        participants=len(checked.participants),
        instrument=version.instrument.key,
        version=version.version,
    )
    return survey


@dataclass(frozen=True)
class _Checked:
    """What a new survey refers to: who runs it, its instrument version and baseline."""

    municipality: Municipality | None
    organiser: tuple[str, str | None, str] | None
    participants: list[str]
    version: InstrumentVersion
    baseline: Survey | None


def _checked(session: Session, data: Mapping[str, Any], municipality_scope: str | None) -> _Checked:
    """What a new survey refers to, once every rule holds; else SurveyInvalid with every
    problem at once."""
    problems = _Problems()
    municipality, organiser, participants = _runner(session, data, problems)
    version = _instrument_version(session, data, problems)
    instrument = as_instrument(version) if version is not None else None
    _check_times(data.get("opens_at"), data.get("closes_at"), problems)
    baseline = _baseline(
        session, data.get("baseline_survey"), data, version, problems, municipality_scope
    )
    _check_origins(data.get("embed_origins") or [], problems)
    _check_attributes(data.get("respondent_attributes") or {}, problems)
    if instrument is not None:
        _check_targets(data.get("targets") or {}, instrument, problems)
        asked = set(data.get("respondent_attributes") or {}) | {
            req.attribute for req in instrument.respondent_attributes
        }
        _check_margins(data.get("population_margins") or {}, asked, problems)
    if data["audience"] not in AUDIENCES:
        problems.add("audience", f"Must be one of: {', '.join(AUDIENCES)}.")
    problems.raise_any("The survey is not valid.")
    assert version is not None
    return _Checked(municipality, organiser, participants, version, baseline)


def _runner(
    session: Session, data: Mapping[str, Any], problems: _Problems
) -> tuple[Municipality | None, tuple[str, str | None, str] | None, list[str]]:
    """Who runs the survey: a municipality, or an organiser with its participants."""
    number, organiser = data.get("municipality"), data.get("organiser")
    participants = data.get("participants")
    if (number is None) == (organiser is None):
        problems.add(
            "municipality",
            "Give either municipality (a municipality runs the survey) or organiser (the "
            "network, KS or a county runs it for the participants), not both.",
        )
        return None, None, []
    if number is not None:
        if participants:
            problems.add(
                "participants",
                "Only an organiser's survey has participants; a municipality's survey is "
                "answered by its own people.",
            )
        municipality = session.get(Municipality, number)
        if municipality is None:
            problems.add("municipality", f"No municipality has the number {number!r}.")
        return municipality, None, []
    runner = organisers.check_organiser(session, dict(organiser or {}), problems.add)
    numbers = organisers.check_participants(session, list(participants or []), problems.add)
    return None, runner, numbers


def update_survey(
    session: Session,
    survey: Survey,
    changes: Mapping[str, Any],
    *,
    actor: str,
    min_n: int,
    published_cells: tuple[Cells, int] | None = None,
) -> Survey:
    """Apply ``changes``; a survey that stops collecting gets its final snapshot
    (``min_n``: the smallest group a figure may come from; ``published_cells``: see
    ``snapshots.finalise``)."""
    problems = _Problems()
    new_status = changes.get("status")
    if new_status is not None and new_status != survey.status:
        if (survey.status, new_status) not in TRANSITIONS:
            raise SurveyConflict(
                f"A survey cannot go from {survey.status} to {new_status}; "
                "the lifecycle is draft -> open -> closed."
            )
    if ("closes_at" in changes or "opens_at" in changes) and snapshots.is_final(session, survey):
        raise SurveyConflict(
            "The survey's final figures are published, so it cannot collect again; "
            "make a new survey for a new round."
        )
    if "closes_at" in changes or "opens_at" in changes:
        _check_times(
            changes.get("opens_at", survey.opens_at),
            changes.get("closes_at", survey.closes_at),
            problems,
        )
    if "targets" in changes:
        _check_targets(changes["targets"] or {}, as_instrument(survey.instrument_version), problems)
    if "embed_origins" in changes:
        _check_origins(changes["embed_origins"] or [], problems)
    if "participants" in changes:
        _check_new_participants(session, survey, changes["participants"], problems)
    if "population_margins" in changes:
        instrument = as_instrument(survey.instrument_version)
        asked = set(survey.respondent_attributes or {}) | {
            req.attribute for req in instrument.respondent_attributes
        }
        _check_margins(changes["population_margins"] or {}, asked, problems)
    problems.raise_any("The change is not valid.")
    for name in (
        "title",
        "titles",
        "opens_at",
        "closes_at",
        "population_size",
        "targets",
        "embed_origins",
        "population_margins",
    ):
        if name in changes:
            setattr(survey, name, changes[name])
    if "participants" in changes:
        organisers.set_participants(survey, changes["participants"])
    if new_status is not None and new_status != survey.status:
        survey.status = new_status
        if new_status == "open" and survey.opens_at is None:
            survey.opens_at = datetime.now(UTC)
        if new_status == "closed":
            now = datetime.now(UTC)
            if survey.closes_at is None or survey.closes_at > now:
                survey.closes_at = now
    session.flush()
    # Closed (or its closing time moved into the past): its final figures are published now.
    snapshots.finalise(
        session,
        survey,
        min_n=min_n,
        today=datetime.now(UTC).date(),
        published_cells=published_cells,
    )
    audit.record(
        session,
        actor,
        "survey.update",
        f"survey:{survey.id}",
        changes=sorted(changes),
        status=survey.status,
    )
    return survey


def _check_new_participants(
    session: Session, survey: Survey, numbers: Sequence[str], problems: _Problems
) -> None:
    """Participants change only on an organiser's survey; once it has left draft, only by
    more municipalities joining (a municipality's respondents stay theirs)."""
    if not survey.is_organised:
        problems.add("participants", "Only an organiser's survey has participants.")
        return
    organisers.check_participants(session, list(numbers), problems.add)
    left = sorted(set(survey.participants) - set(numbers))
    if left and survey.status != "draft":
        raise SurveyConflict(
            f"The survey has left draft, so no participating municipality can leave it "
            f"({', '.join(left)}); municipalities may still join."
        )


def links(survey: Survey, public_url: str) -> dict[str, str]:
    """The form's address, the snippet a web editor pastes, and the public API's address.

    The snippet has no style attribute: a host page's Content-Security-Policy with
    ``style-src 'self'`` would drop it (and the frame would be 300 px wide). The width and
    height attributes size the frame without script; embed.js then sets its width, border
    and height through the CSSOM, which such a policy allows."""
    base = public_url.rstrip("/")
    form = f"{base}/s/{survey.public_id}"
    title = escape(survey.title, quote=True)
    embed = (
        f'<iframe src="{form}?embed=1" title="{title}" data-survey-frame="{survey.public_id}" '
        'width="100%" height="900" loading="lazy"></iframe>'
        f'<script src="{base}/embed.js" data-survey="{survey.public_id}" async></script>'
    )
    api = f"{base}/api/v1/public/surveys/{survey.public_id}"
    return {"form": form, "embed_html": embed, "api": api}


def _instrument_version(
    session: Session, data: Mapping[str, Any], problems: _Problems
) -> InstrumentVersion | None:
    key = data["instrument"]
    wanted = data.get("instrument_version")
    if session.scalar(select(InstrumentRecord.id).where(InstrumentRecord.key == key)) is None:
        problems.add("instrument", f"No instrument has the key {key!r}.")
        return None
    version = find_version(session, key, wanted) if wanted else newest_version(session, key)
    if version is None:
        problems.add("instrument_version", f"{key} has no published version {wanted!r}.")
    return version


def _check_times(opens_at: Any, closes_at: Any, problems: _Problems) -> None:
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        problems.add("closes_at", "Must be after opens_at.")


def _baseline(
    session: Session,
    baseline_id: int | None,
    data: Mapping[str, Any],
    version: InstrumentVersion | None,
    problems: _Problems,
    municipality_scope: str | None,
) -> Survey | None:
    if baseline_id is None:
        return None
    baseline = session.get(Survey, baseline_id)
    if baseline is None or (
        municipality_scope is not None and baseline.municipality_number != municipality_scope
    ):
        # Another municipality's survey is answered exactly like a missing one: a different
        # answer would tell the caller which ids exist elsewhere.
        problems.add("baseline_survey", f"No survey has the id {baseline_id}.")
        return None
    organiser = data.get("organiser") or {}
    if data.get("municipality") is not None:
        if baseline.municipality_number != data["municipality"]:
            problems.add(
                "baseline_survey", "The baseline must be a survey of the same municipality."
            )
    elif (baseline.organiser_kind, baseline.organiser_county) != (
        organiser.get("kind"),
        organiser.get("county"),
    ):
        problems.add("baseline_survey", "The baseline must be a survey of the same organiser.")
    if version is not None and baseline.instrument_version.instrument_id != version.instrument_id:
        problems.add("baseline_survey", "The baseline must use the same instrument.")
    return baseline


def _check_targets(targets: Mapping[str, Any], instrument: Instrument, problems: _Problems) -> None:
    allowed = scored_keys(instrument)
    for key, value in targets.items():
        if key not in allowed:
            problems.add(
                "targets",
                f"{key!r} is not a dimension or index of {instrument.key}; "
                f"choose from: {', '.join(allowed)}.",
            )
        elif not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 100:
            problems.add("targets", f"The target for {key!r} must be a number from 0 to 100.")


def _check_origins(origins: list[str], problems: _Problems) -> None:
    for origin in origins:
        if not is_origin(origin):
            problems.add(
                "embed_origins",
                f"{origin!r} is not an origin; give scheme and host, "
                "e.g. https://www.bergen.kommune.no",
            )


def _check_attributes(requested: Mapping[str, Any], problems: _Problems) -> None:
    for name in requested:
        if name not in RESPONDENT_ATTRIBUTES:
            problems.add(
                "respondent_attributes",
                f"{name!r} is not a respondent attribute; choose from: "
                f"{', '.join(RESPONDENT_ATTRIBUTES)}.",
            )


def _check_margins(
    margins: Mapping[str, Mapping[str, Any]], asked: set[str], problems: _Problems
) -> None:
    """A margin is one attribute ("gender") or a joint one ("age_band+gender", categories
    like "30_44+female"); its attributes must be ones the survey asks for."""
    for name, counts in margins.items():
        attributes = name.split("+")
        unknown = [a for a in attributes if a not in RESPONDENT_ATTRIBUTES]
        if unknown:
            problems.add(
                "population_margins",
                f"{name!r}: {', '.join(map(repr, unknown))} is not a respondent attribute; "
                f"choose from: {', '.join(RESPONDENT_ATTRIBUTES)} (join several with '+').",
            )
            continue
        not_asked = [a for a in attributes if a not in asked]
        if not_asked:
            problems.add(
                "population_margins",
                f"{name!r}: the survey does not ask for {', '.join(not_asked)}; add it to "
                "respondent_attributes, or respondents cannot be weighted by it.",
            )
            continue
        for category, count in counts.items():
            parts = category.split("+")
            if len(parts) != len(attributes):
                problems.add(
                    "population_margins",
                    f"{name!r}: category {category!r} must name {len(attributes)} codes "
                    "joined with '+'.",
                )
                continue
            for attribute, code in zip(attributes, parts, strict=True):
                vocabulary = RESPONDENT_ATTRIBUTES[attribute]
                if not vocabulary.open and code not in vocabulary.codes:
                    problems.add(
                        "population_margins",
                        f"{name!r}: {code!r} is not a {attribute} code; choose from: "
                        f"{', '.join(vocabulary.codes)}.",
                    )
            if not isinstance(count, int) or count < 0:
                problems.add(
                    "population_margins",
                    f"{name!r}: the count for {category!r} must be a whole number >= 0.",
                )


def title_in(survey: Survey, lang: str) -> tuple[str, str]:
    """The survey's title in ``lang`` and the language it is written in: ``lang`` when the
    survey has a title in it, else ``title`` in the survey's default language."""
    titles = survey.titles or {}
    if titles.get(lang):
        return str(titles[lang]), lang
    return survey.title, survey.default_language

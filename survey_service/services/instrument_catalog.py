"""Publishing and finding instrument versions. A published version never changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument, InstrumentError, load_bundled, version_key
from survey_service.models import InstrumentRecord, InstrumentVersion
from survey_service.services import audit
from survey_service.services.errors import Conflict, Invalid


class DefinitionInvalid(Invalid):
    """An instrument definition breaks the format's rules (``errors`` by path)."""


class VersionConflict(Conflict):
    """The version exists already with other content."""

    def __init__(self, key: str, version: str) -> None:
        super().__init__(
            f"{key} {version} is already published with different content; a published "
            "version never changes: publish the change as a new version."
        )


@dataclass(frozen=True)
class Published:
    version: InstrumentVersion
    created: bool

    def __str__(self) -> str:
        what = "published" if self.created else "already published, unchanged"
        return f"{self.version.instrument.key} {self.version.version}: {what}"


def publish_definition(session: Session, definition: Mapping[str, Any], *, actor: str) -> Published:
    """Check a definition (as sent, a mapping) and publish it (see :func:`publish`)."""
    try:
        instrument = Instrument.from_dict(definition)
    except InstrumentError as exc:
        errors: dict[str, list[str]] = {}
        for problem in exc.problems:
            errors.setdefault(problem.path or "definition", []).append(problem.message)
        raise DefinitionInvalid("The instrument definition is not valid.", errors) from exc
    return publish(session, instrument, actor=actor)


def publish(session: Session, instrument: Instrument, *, actor: str) -> Published:
    """Store ``instrument`` as a new version; idempotent when the same content exists."""
    record = session.scalar(select(InstrumentRecord).where(InstrumentRecord.key == instrument.key))
    if record is None:
        record = InstrumentRecord(key=instrument.key)
        session.add(record)
        session.flush()
    existing = session.scalar(
        select(InstrumentVersion).where(
            InstrumentVersion.instrument_id == record.id,
            InstrumentVersion.version == instrument.version,
        )
    )
    if existing is not None:
        if existing.content_hash != instrument.content_hash:
            raise VersionConflict(instrument.key, instrument.version)
        return Published(existing, created=False)
    major, minor, patch = version_key(instrument.version)
    version = InstrumentVersion(
        instrument=record,
        version=instrument.version,
        version_major=major,
        version_minor=minor,
        version_patch=patch,
        content_hash=instrument.content_hash,
        definition=instrument.to_dict(),
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor,
        "instrument.publish",
        f"{instrument.key} {instrument.version}",
        content_hash=instrument.content_hash,
    )
    return Published(version, created=True)


def publish_bundled(session: Session, *, actor: str) -> Iterator[Published]:
    for instrument in load_bundled():
        yield publish(session, instrument, actor=actor)


def version_order(version: InstrumentVersion) -> tuple[tuple[int, int, int], int]:
    """Sort key of stored versions, oldest first: by number (1.10.0 after 1.9.0); versions
    that differ only in a pre-release or build part sort in the order they were published."""
    return version_key(version.version), version.id


def newest_version(session: Session, key: str) -> InstrumentVersion | None:
    versions = session.scalars(
        select(InstrumentVersion).join(InstrumentRecord).where(InstrumentRecord.key == key)
    )
    return max(versions, key=version_order, default=None)


def find_version(session: Session, key: str, version: str) -> InstrumentVersion | None:
    return session.scalar(
        select(InstrumentVersion)
        .join(InstrumentRecord)
        .where(InstrumentRecord.key == key, InstrumentVersion.version == version)
    )


def as_instrument(version: InstrumentVersion) -> Instrument:
    """The domain object of a stored version, parsed once per process (versions are immutable,
    so the content hash is a safe cache key)."""
    instrument = _PARSED.get(version.content_hash)
    if instrument is None:
        instrument = Instrument.from_dict(version.definition)
        _PARSED[version.content_hash] = instrument
    return instrument


_PARSED: dict[str, Instrument] = {}

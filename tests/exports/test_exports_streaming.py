"""Exports are lazy: rows are pulled one batch at a time, the header comes first, and closing
the stream (finished or not, started or not) closes the database connection."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from survey_service.db import db
from survey_service.instruments import bundled
from survey_service.services import exports
from survey_service.services.exports import formats
from survey_service.services.exports.disclosure import ClassStats, QuasiIdentifiers, plan
from survey_service.services.exports.layout import layout
from survey_service.services.exports.query import SurveyInfo
from survey_service.services.exports.rows import Progress, export_rows

from helpers import bearer


def endless_rows(pulled: list[int]):
    """An endless synthetic row source that counts how many rows were taken from it."""
    for i in itertools.count():
        pulled[0] += 1
        yield SimpleNamespace(
            survey_id=1,
            language="nb",
            submitted_on=__import__("datetime").date(2026, 4, 1),
            role=None,
            age_band=None,
            gender=None,
            area=None,
            answers={"kv_1": 1 + i % 5},
            scores={"dimensions": {}, "indices": {}},
        )


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "sav"])
def test_rows_are_pulled_lazily(fmt):
    instrument = bundled("omdommetrappen")
    export_layout = layout(instrument, attributes=())
    survey = SurveyInfo(1, "4601", "Bergen", "46", "Vestland", "2026", "citizens", ())
    qi = QuasiIdentifiers("4601", "46", "2026", "citizens", "nb", "2026-W14", "", "", "", "")
    export_plan = plan({qi: ClassStats(10**6, {})}, k=5)
    pulled = [0]
    rows = export_rows(endless_rows(pulled), export_plan, {1: survey}, export_layout, Progress())
    encoder = formats.encode(fmt, export_layout, rows)
    next(encoder)  # the header (or the magic bytes) comes before any row is read
    assert pulled[0] == 0
    chunk = next(encoder)
    while not chunk:
        chunk = next(encoder)
    # one batch, never the endless whole
    assert 0 < pulled[0] <= 10_001
    encoder.close()


def test_closing_the_stream_closes_the_connection(app, client, admin, analyst, fill):
    fill(admin, 6, municipality="4601")
    with app.test_request_context("/api/v1/exports/responses"):
        app.preprocess_request()  # as a GET request would: its transactions only read
        for read_chunks in (0, 1, 100):
            prepared = exports.prepare(
                db.session,
                db.engine,
                exports.ExportRequest(instrument="omdommepavirkere", format="csv"),
                k=5,
                actor="tests",
            )
            stream = prepared.stream
            checked_out = db.engine.pool.checkedout()
            assert not stream.connection.closed
            for chunk in itertools.islice(stream, read_chunks):
                assert chunk is not None
            stream.close()
            assert stream.connection.closed
            assert db.engine.pool.checkedout() == checked_out - 1
    response = client.get(
        "/api/v1/audit", query_string={"action": "export.*"}, headers=bearer(admin)
    )
    actions = [entry["action"] for entry in response.get_json()]
    assert actions.count("export.responses") == 3
    assert "export.responses.interrupted" in actions
    assert "export.responses.completed" in actions


def test_first_bytes_before_the_rows(admin, analyst, fill, client):
    fill(admin, 5, municipality="4601")
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "omdommepavirkere"},
        headers=bearer(analyst),
        buffered=False,
    )
    assert response.is_streamed
    first = next(iter(response.response))
    assert first.startswith(b"row_id,instrument,instrument_version,survey,")
    response.close()

"""Disclosure control on risky data: k-anonymity and homogeneity in every format, no ids,
tokens or receipts anywhere, free text only for admins and screened, small surveys left out."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
from exports.export_shapes import FORMATS, QI_COLUMNS
from exports.export_shapes import read_export as read
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import Invitation, Response, Survey
from survey_service.services.exports.disclosure import ClassStats, QuasiIdentifiers, plan
from survey_service.services.exports.text_screening import screen_text, valid_national_id

from helpers import answers_for, assert_error, bearer, close_survey, open_survey, submit

RESPONDENT_QI = {"language", "week", "role", "age_band", "gender", "area"}


def assert_k_anonymous(frame: pd.DataFrame, k: int) -> None:
    qi = [c for c in QI_COLUMNS if c in frame.columns]
    keyed = frame[qi].astype(str).replace({"nan": "", "None": "", "<NA>": ""})
    scores = [c for c in frame.columns if c.startswith("score_")]
    for key, members in frame.groupby([keyed[c] for c in qi], dropna=False):
        assert len(members) >= k, (key, len(members))
        respondent_level = any(v for c, v in zip(qi, key, strict=True) if c in RESPONDENT_QI)
        if len(members) < 2 * k and respondent_level:
            for column in scores:
                values = pd.to_numeric(members[column], errors="coerce")
                homogeneous = values.notna().all() and values.nunique() == 1
                assert not homogeneous, (key, column, list(values))


@pytest.fixture
def risky(admin, fill, client):
    """A municipality with one politician, two union representatives who answered alike, a
    few employees; another with a lone English-speaking leader; a survey with 3 responses.
    Each survey's count is a multiple of k = 5, so its last snapshot holds every response and
    the export releases them all (services/snapshots.py)."""
    employees = {"role": "employee", "age_band": "30_44", "gender": "female", "area": "Nord"}
    bergen = fill(
        admin, 7, respondent=employees, municipality="4601", period="2026", seed=7, close=False
    )
    same = answers_for("omdommepavirkere", 3, kontakt="yes")
    submit(
        client,
        bergen,
        answers_for("omdommepavirkere", 5, kontakt="yes"),
        respondent={"role": "politician", "age_band": "60_plus", "gender": "male"},
    )
    for _ in range(2):
        assert (
            submit(
                client,
                bergen,
                same,
                respondent={"role": "union_representative", "age_band": "45_59"},
            ).status_code
            == 201
        )
    kinn = fill(
        admin,
        4,
        respondent={"role": "citizen"},
        municipality="4602",
        period="2026",
        seed=8,
        close=False,
    )
    submit(
        client,
        kinn,
        answers_for("omdommepavirkere", 2, kontakt="yes"),
        language="en",
        respondent={"role": "top_leader", "gender": "other", "area": "Sør-Øst"},
    )
    fill(admin, 3, respondent=employees, municipality="5001", period="2026", seed=9)
    close_survey(client, admin, kinn)
    return close_survey(client, admin, bergen)


def test_no_class_under_k_and_no_homogeneous_small_class(risky, analyst, download, tmp_path):
    for fmt in FORMATS:
        response = download(analyst, instrument="omdommepavirkere", format=fmt)
        frame = read(fmt, response.data, tmp_path)
        assert len(frame) == int(response.headers["X-Export-Rows"])
        assert_k_anonymous(frame, 5)
        disclosure = json.loads(response.headers["X-Export-Disclosure"])
        assert disclosure["rows_in_scope"] == 15
        assert disclosure["rows_generalised"] + disclosure["rows_suppressed"] > 0
        assert (
            disclosure["surveys_excluded_below_k"]
            == [{"survey": "5001-2026-employees", "reason": "fewer than 5 responses"}]
            or disclosure["surveys_excluded_below_k"][0]["reason"] == "fewer than 5 responses"
        )
        assert response.headers["X-Export-Excluded-Surveys"] == "1"
        assert len(frame) + int(response.headers["X-Export-Suppressed-Rows"]) == 15
    # the lone politician never stands out with his role
    csv = read("csv", download(analyst, instrument="omdommepavirkere").data, tmp_path)
    assert "politician" not in set(csv["role"])
    assert "Trondheim" not in set(csv["municipality_name"])


def test_k_follows_the_setting(risky, analyst, download, tmp_path, app):
    app.config["SURVEY_MIN_N"] = 3
    response = download(analyst, instrument="omdommepavirkere")
    frame = read("csv", response.data, tmp_path)
    assert_k_anonymous(frame, 3)
    assert response.headers["X-Export-Min-N"] == "3"
    # The survey of 3 was never published (its snapshots were due at the k of the time it
    # collected, 5), so it stays out: an export releases only published responses.
    assert response.headers["X-Export-Excluded-Surveys"] == "1"


def test_plan_generalises_only_what_needs_it():
    def qi(role: str, municipality: str = "4601") -> QuasiIdentifiers:
        return QuasiIdentifiers(
            municipality, "46", "2026", "employees", "nb", "2026-W14", role, "30_44", "female", ""
        )

    classes = {
        qi("employee"): ClassStats(20, {"d": [0.0, 100.0, 20]}),
        qi("politician"): ClassStats(1, {"d": [50.0, 50.0, 1]}),
        qi("middle_leader"): ClassStats(3, {"d": [25.0, 75.0, 3]}),
        qi("top_leader"): ClassStats(3, {"d": [25.0, 50.0, 3]}),
    }
    result = plan(classes, k=5)
    assert result.levels[qi("employee")] == 0
    leaders = {result.release(qi("middle_leader")), result.release(qi("top_leader"))}
    assert len(leaders) == 1 and next(iter(leaders)).role == "leader"
    assert result.suppressed_rows + result.released_rows == 27


def test_homogeneous_small_class_is_generalised():
    base = QuasiIdentifiers("4601", "46", "2026", "employees", "nb", "", "employee", "", "", "")
    other = base._replace(role="citizen")
    classes = {
        base: ClassStats(6, {"d": [50.0, 50.0, 6]}),
        other: ClassStats(30, {"d": [0.0, 100.0, 30]}),
    }
    result = plan(classes, k=5)
    assert result.levels[base] > 0 and result.reasons["homogeneity"] >= 6
    assert result.levels[other] == 0


def test_no_token_receipt_or_internal_id_in_any_export(
    admin, analyst, client, download, tmp_path, app
):
    survey = open_survey(
        client,
        admin,
        instrument="omdommepavirkere",
        access="invitation",
        municipality="4601",
        period="2026",
    )
    tokens = [
        row["token"]
        for row in client.post(
            f"/api/v1/surveys/{survey['id']}/invitations", json={"count": 5}, headers=bearer(admin)
        ).get_json()["invitations"]
    ]
    receipts, submission_ids = [], []
    for i, token in enumerate(tokens):
        submission_id = f"9f1c2d3e-0000-4000-8000-00000000000{i}"
        answers = answers_for("omdommepavirkere", 1 + i % 5, kontakt="yes")
        response = client.post(
            f"/api/v1/public/surveys/{survey['public_id']}/responses",
            json={
                "submission_id": submission_id,
                "token": token,
                "answers": answers,
                "respondent": {"age_band": "30_44"},
            },
        )
        assert response.status_code == 201, response.get_json()
        receipts.append(response.get_json()["receipt"])
        submission_ids.append(submission_id)
    close_survey(client, admin, survey)
    with app.app_context():
        rows = db.session.execute(
            select(Response.id, Response.submission_hash, Response.receipt_hash)
        ).all()
        hashes = [h for row in rows for h in row[1:]]
        hashes += list(db.session.scalars(select(Invitation.token_hash)))
        public_ids = list(db.session.scalars(select(Survey.public_id)))
        response_ids = sorted(row[0] for row in rows)
    secrets = tokens + receipts + submission_ids + hashes + public_ids
    secrets += [r.replace("-", "") for r in receipts]
    assert secrets
    blobs = []
    for fmt in FORMATS:
        for extra in ({}, {"bundle": "zip"}):
            response = download(analyst, instrument="omdommepavirkere", format=fmt, **extra)
            blobs.append(response.data)
            blobs.append(str(response.headers).encode())
            if extra:
                archive = zipfile.ZipFile(io.BytesIO(response.data))
                blobs += [archive.read(name) for name in archive.namelist()]
            else:
                frame = read(fmt, response.data, tmp_path)
                assert len(frame) == 5, (fmt, response.headers["X-Export-Disclosure"])
                assert "id" not in frame.columns and "public_id" not in frame.columns
                # row numbers are not the response ids in insertion order
                assert sorted(frame["row_id"].astype(int)) == list(range(1, len(frame) + 1))
                assert str(survey["id"]) not in set(frame["survey"].astype(str))
    for blob in blobs:
        for secret in secrets:
            assert secret.encode() not in blob, secret
            assert secret.upper().encode() not in blob, secret
        assert survey["public_id"].encode() not in blob
    assert len(response_ids) == 5


def test_surveys_below_k_are_left_out_and_said_so(admin, analyst, fill, download):
    fill(admin, 4, municipality="4601", period="2025")
    response = download(analyst, instrument="omdommepavirkere", format="jsonl")
    assert response.data == b""
    assert response.headers["X-Export-Rows"] == "0"
    assert response.headers["X-Export-Excluded-Surveys"] == "1"
    disclosure = json.loads(response.headers["X-Export-Disclosure"])
    assert disclosure["surveys_excluded_below_k"][0]["survey"] == "4601-2025-citizens"


@pytest.fixture
def gathering(admin, client):
    survey = open_survey(
        client, admin, instrument="samlingsevaluering", audience="mixed", municipality="4601"
    )
    texts = [
        "Skriv til ola.nordmann@example.no eller ring 412 34 567.",
        "Mitt fødselsnummer er 01010112345 og mobil +47 98765432.",
        "Flott samling, ringte 22334455 i pausen. Ref 12345678901.",
        "Godt og nyttig.",
        "Møt meg på 0047 41234567.",
    ]
    for i, text in enumerate(texts):
        response = submit(
            client,
            survey,
            {"terningkast": 1 + i, "viktigste_laerdom": text},
            respondent={"role": "employee"},
        )
        assert response.status_code == 201, response.get_json()
    close_survey(client, admin, survey)
    return texts


def test_free_text_only_for_admins_and_screened(
    gathering, admin, analyst, client, download, tmp_path
):
    params = {"instrument": "samlingsevaluering", "include_free_text": "true"}
    assert_error(
        client.get("/api/v1/exports/responses", query_string=params, headers=bearer(analyst)),
        403,
        message_contains="free-text",
    )
    plain = read("csv", download(analyst, instrument="samlingsevaluering").data, tmp_path)
    assert "viktigste_laerdom" not in plain.columns
    for fmt in FORMATS:
        frame = read(fmt, download(admin, format=fmt, **params).data, tmp_path)
        texts = " ".join(frame["viktigste_laerdom"].astype(str))
        for leaked in (
            "ola.nordmann",
            "412 34 567",
            "01010112345",
            "98765432",
            "22334455",
            "12345678901",
            "41234567",
        ):
            assert leaked not in texts, (fmt, leaked)
        assert "Godt og nyttig." in texts and "[e-post fjernet]" in texts


def test_screening_rules():
    assert valid_national_id("01010112345") is False
    assert valid_national_id("15076500565") is True
    assert screen_text("fnr 150765 00565") == "fnr [fødselsnummer fjernet]"
    assert screen_text("nr 12345678901") == "nr [nummer fjernet]"
    assert screen_text("ring +4791234567 nå") == "ring [telefonnummer fjernet] nå"
    assert screen_text("ring 91 23 45 67") == "ring [telefonnummer fjernet]"
    assert screen_text("a.b@c.no") == "[e-post fjernet]"
    assert screen_text("Vi var 25 stykker i 2026") == "Vi var 25 stykker i 2026"

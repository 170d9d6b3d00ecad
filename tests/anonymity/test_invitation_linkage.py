"""Attack: tie an invitation (and so a named person) to the response it admitted.

The adversary holds the invitation list (the municipality mailed it: token -> person) and
later reads the database as a DBA would: every column, the system columns (PostgreSQL's
``xmin`` and ``ctid``, SQLite's ``rowid``) and the row order. Sixty invited people answer
through sixteen concurrent clients, each with an answer that names them, so every guess of
the adversary can be scored. Whatever they join on, they must do no better than chance
(a random pairing of 60 matches 1 on average; the old design matched 60 of 60).
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from survey_service.db import db
from survey_service.services.invitations import token_hash

from helpers import bearer, open_survey

PEOPLE = 60
CLIENTS = 16
# P(a random pairing of 60 matches 9 or more) is below 1e-6: above chance, unmistakably.
CHANCE = 8


def _dba_rows(app, table: str) -> list[dict]:
    """Every row of ``table`` with its system columns, as a DBA's SELECT shows it."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            sql = f"SELECT xmin::text AS xmin, ctid::text AS ctid, * FROM {table}"
        else:
            sql = f"SELECT rowid AS rowid_, * FROM {table}"
        return [dict(row._mapping) for row in db.session.execute(text(sql))]


def _position(value: str) -> tuple:
    """Sort key for xmin (a number) and ctid ("(page,item)")."""
    if value.startswith("("):
        page, item = value.strip("()").split(",")
        return (int(page), int(item))
    return (int(value),)


@pytest.fixture
def answered(app, client, admin):
    """An invitation survey that sixty invited people answered, concurrently, in random order;
    returns (token -> the text only that person wrote, invitation rows before answering)."""
    survey = open_survey(
        client, admin, instrument="samlingsevaluering", audience="mixed", access="invitation"
    )
    made = client.post(
        f"/api/v1/surveys/{survey['id']}/invitations",
        json={"count": PEOPLE},
        headers=bearer(admin),
    )
    tokens = [i["token"] for i in made.get_json()["invitations"]]
    before = _dba_rows(app, "invitation")
    signature = {token: f"person {index:02d}" for index, token in enumerate(tokens)}
    order = tokens[:]
    random.Random(20140505).shuffle(order)
    url = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    start = threading.Barrier(CLIENTS)

    def answer(batch: list[str]) -> list[int]:
        start.wait()
        web = app.test_client()
        codes = []
        for token in batch:
            body = {
                "submission_id": str(uuid.uuid4()),
                "token": token,
                "answers": {"terningkast": 4, "viktigste_laerdom": signature[token]},
            }
            codes.append(web.post(url, json=body).status_code)
        return codes

    batches = [order[i::CLIENTS] for i in range(CLIENTS)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        codes = [code for part in pool.map(answer, batches) for code in part]
    assert codes == [201] * PEOPLE
    return signature, before


def test_answering_writes_nothing_to_the_invitation_rows(app, answered):
    _signature, before = answered
    # Every column and system column of every invitation row is as it was before anyone
    # answered: the rows cannot carry the time, transaction or order of an answer.
    assert _dba_rows(app, "invitation") == before


def _stored_order(rows: list[dict], column: str) -> list[dict]:
    if column in ("xmin", "ctid"):
        return sorted(rows, key=lambda row: (_position(str(row[column])), row["id"]))
    return sorted(rows, key=lambda row: (row[column], row["id"]))


def test_no_join_or_row_order_links_a_token_to_its_response(app, answered):
    signature, _before = answered
    stored = {row["token_hash"]: row for row in _dba_rows(app, "invitation")}
    # The adversary hashes each token of the list to find its row.
    invitations = [{**stored[token_hash(token)], "token": token} for token in signature]
    responses = _dba_rows(app, "response")
    assert len(responses) == PEOPLE
    for response in responses:
        answers = response["answers"]
        answers = json.loads(answers) if isinstance(answers, str) else answers
        response["person"] = answers["viktigste_laerdom"]
    postgres = "xmin" in responses[0]
    system = ("xmin", "ctid") if postgres else ("rowid_",)
    correct: dict[str, int] = {}

    # Equal or adjacent transaction ids (a response and its token written together).
    if postgres:
        for offset in (-1, 0, 1):
            correct[f"xmin {offset:+d}"] = sum(
                response["person"] == signature[invitation["token"]]
                for invitation in invitations
                for response in responses
                if int(response["xmin"]) == int(invitation["xmin"]) + offset
            )

    # Invitations in any stored order, paired with responses in any stored order.
    for invitation_column in (*system, "id", "number", "created_at"):
        for response_column in (*system, "id", "submitted_on"):
            pairs = zip(
                _stored_order(invitations, invitation_column),
                _stored_order(responses, response_column),
                strict=True,
            )
            correct[f"{invitation_column} ~ {response_column}"] = sum(
                response["person"] == signature[invitation["token"]]
                for invitation, response in pairs
            )

    assert correct and max(correct.values()) <= CHANCE, correct


def test_the_ledger_holds_a_set_and_names_only_the_latest_response(app, answered):
    _signature, _before = answered
    ledger = _dba_rows(app, "invitation_ledger")
    assert len(ledger) == 1
    assert ledger[0]["used"] == PEOPLE
    assert sum(bin(byte).count("1") for byte in bytes(ledger[0]["spent"])) == PEOPLE
    responses = _dba_rows(app, "response")
    if "xmin" in ledger[0]:
        # Every submission rewrites the row: its transaction is that of the response that
        # committed last, token or not, which says nothing about any token. (Responses are
        # rewritten too, a batch at a time, when a snapshot marks them published, so their
        # own transaction ids say even less.) At most one batch is near the ledger's.
        last = int(ledger[0]["xmin"])
        near = [r for r in responses if 0 <= int(r["xmin"]) - last <= 2]
        assert len(near) <= 5

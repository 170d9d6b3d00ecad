"""A 304 is never wrong: over a random sequence of submissions, withdrawals, changes to the
surveys and reads with several keys, every poll answered 304 is checked against a fresh 200,
which must hold the very body the poller kept (and the same tag)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from helpers import answers_for, bearer, dice_survey, submit

STEPS = 45
COMMENTS = ["Nyttig.", "For lang.", "Gode innledere.", "Mer diskusjon.", ""]


@dataclass
class Held:
    """What a poller keeps of one read: the tag and the body it came with."""

    tag: str
    body: Any


@dataclass
class Tally:
    not_modified: int = 0
    changed: int = 0
    kinds: set[str] = field(default_factory=set)


def same(body: Any) -> Any:
    """The body with each item's comments sorted: they come in a new order at every read."""
    if isinstance(body, dict) and "items" in body and "masked" in body:
        items = [{**item, "comments": sorted(item["comments"])} for item in body["items"]]
        return {**body, "items": items}
    return body


@pytest.mark.parametrize("seed", [20261207])
def test_a_304_is_never_wrong(client, admin, make_key, seed):
    rng = random.Random(seed)
    earlier = dice_survey(client, admin, period="2025", respondent_attributes={"gender": None})
    later = dice_survey(client, admin, period="2026", baseline_survey=earlier["id"])
    oslo = dice_survey(client, admin, municipality="0301")
    surveys = [earlier, later, oslo]
    keys = {
        "admin": admin,
        "dashboard": make_key("dashboard"),
        "analyst": make_key("analyst"),
        "trondheim": make_key("municipality", "4601"),
    }
    reads = [("dashboard", "/api/v1/scores?instrument=samlingsevaluering")]
    reads.append(("analyst", "/api/v1/scores?instrument=samlingsevaluering&municipality=4601"))
    for survey in surveys:
        base = f"/api/v1/surveys/{survey['id']}"
        reads += [
            ("admin", f"{base}/scores"),
            ("dashboard", f"{base}/scores?confidence_level=0.9"),
            ("admin", f"{base}/fieldwork"),
            ("analyst", f"{base}/comments?lang=nn"),
        ]
        if survey is not oslo:
            reads.append(("trondheim", f"{base}/scores"))
    receipts: dict[int, list[str]] = {s["id"]: [] for s in surveys}
    held: dict[tuple[str, str], Held] = {}
    tally = Tally()

    kinds = ["submit", "withdraw", "targets", "population", "margins", "close"]
    # Each change at least once, at a random step; otherwise mostly submissions.
    forced = dict(zip(rng.sample(range(STEPS), len(kinds) - 1), kinds[1:], strict=True))

    def act(kind: str) -> str:
        survey = rng.choice(surveys)
        if kind == "submit":
            for _ in range(rng.randint(1, 3)):
                answers = answers_for(
                    "samlingsevaluering",
                    rng.randint(1, 6),
                    viktigste_laerdom=rng.choice(COMMENTS),
                )
                extra = {"respondent": {"gender": rng.choice(["female", "male"])}}
                sent = submit(client, survey, answers, **(extra if survey is earlier else {}))
                if sent.status_code == 201:
                    receipts[survey["id"]].append(sent.get_json()["receipt"])
                else:  # a closed survey refuses
                    assert sent.status_code == 409, sent.get_json()
        elif kind == "withdraw" and receipts[survey["id"]]:
            receipt = receipts[survey["id"]].pop(rng.randrange(len(receipts[survey["id"]])))
            gone = client.post("/api/v1/public/withdrawals", json={"receipt": receipt})
            # A closed survey's answers are published for good: withdrawals end at closing.
            assert gone.status_code in (204, 409), gone.get_json()
        elif kind in ("targets", "population", "margins", "close"):
            changes: dict[str, Any] = {
                "targets": {"targets": {"terningkast": rng.choice([50, 60, 70])}},
                "population": {"population_size": rng.choice([None, 60, 200])},
                "margins": {
                    "population_margins": {"gender": {"female": rng.randint(20, 80), "male": 40}}
                    if survey is earlier
                    else {}
                },
                "close": {"status": "closed"},
            }[kind]
            response = client.patch(
                f"/api/v1/surveys/{survey['id']}", json=changes, headers=bearer(admin)
            )
            assert response.status_code in (200, 409), response.get_json()
        return kind

    def poll(role: str, url: str) -> None:
        key = keys[role]
        kept = held.get((role, url))
        headers = bearer(key)
        if kept is not None:
            headers["If-None-Match"] = kept.tag
        answer = client.get(url, headers=headers)
        if answer.status_code == 304:
            assert kept is not None
            fresh = client.get(url, headers=bearer(key))
            assert fresh.status_code == 200, fresh.get_json()
            assert fresh.headers["ETag"] == kept.tag, url
            assert same(fresh.get_json()) == same(kept.body), (url, role)
            tally.not_modified += 1
            return
        assert answer.status_code == 200, (url, answer.get_json())
        if kept is not None:
            assert answer.headers["ETag"] != kept.tag
            tally.changed += 1
        held[(role, url)] = Held(answer.headers["ETag"], answer.get_json())

    for role, url in reads:
        poll(role, url)
    for step in range(STEPS):
        kind = forced.get(step) or rng.choices(kinds, weights=[10, 3, 1, 1, 1, 0.3])[0]
        tally.kinds.add(act(kind))
        for role, url in rng.sample(reads, 6):
            poll(role, url)
    for role, url in reads:
        poll(role, url)

    # The sequence did what it is for: many polls were answered either way.
    assert tally.not_modified >= 40 and tally.changed >= 40, tally
    assert tally.kinds == set(kinds), tally

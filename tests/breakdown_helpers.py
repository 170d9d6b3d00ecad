"""Helpers of the breakdown tests: a realistic tripartite cooperation survey, reading a
breakdown, and the person scores the published figures must agree with."""

from __future__ import annotations

from typing import Any

from helpers import answers_for, bearer, open_survey, submit

#: A municipality's partssamarbeid survey: each party's answers (1-5 on every item).
PARTIES: dict[str, list[int]] = {
    "politician": [5, 4, 5, 4, 5, 4],
    "union_representative": [2, 3, 2, 2, 3],
    "safety_representative": [3, 2],
    "top_leader": [4, 4, 5],
    "middle_leader": [3, 4, 3, 4, 3, 4],
    "project_leader": [4, 3],
    "employee": [3, 3, 2, 4, 3, 2, 3, 4, 3, 2, 3],
}
#: 35 answers: a multiple of SURVEY_MIN_N, so the last snapshot holds every one.


def cooperation_survey(
    client: Any,
    key: str,
    parties: dict[str, list[int]] | None = None,
    *,
    together: bool = False,
) -> dict:
    """An open partssamarbeid survey answered by ``parties`` (role -> answers): the parties
    in turn, one answer each (``together``: each party's answers one after the other, as
    at a meeting)."""
    survey = open_survey(client, key, instrument="partssamarbeid", audience="mixed")
    for role, value in arrivals(parties or PARTIES, together=together):
        answer(client, survey, value, role=role)
    return survey


def arrivals(parties: dict[str, list[int]], *, together: bool = False) -> list[tuple[str, int]]:
    """(role, value) in the order the answers arrive."""
    if together:
        return [(role, value) for role, values in parties.items() for value in values]
    longest = max(len(values) for values in parties.values())
    return [
        (role, values[i])
        for i in range(longest)
        for role, values in parties.items()
        if i < len(values)
    ]


def answer(client: Any, survey: dict, value: int, **respondent: str) -> str:
    """Submit one answer (``value`` on every item) with ``respondent`` attributes; the
    receipt."""
    response = submit(
        client, survey, answers_for(survey_instrument(survey), value), respondent=respondent
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["receipt"])


def survey_instrument(survey: dict) -> str:
    return str(survey["instrument"])


def read_breakdown(client: Any, key: str, survey: dict, by: str, **query: Any) -> dict:
    """GET a survey's breakdown (200 asserted)."""
    url = f"/api/v1/surveys/{survey['id']}/breakdowns"
    response = client.get(url, query_string={"by": by, **query}, headers=bearer(key))
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def group(body: dict, code: str) -> dict:
    return next(g for g in body["groups"] if g["group"] == code)


def figure_of(entry: dict, key: str) -> dict:
    return next(f for f in entry["dimensions"] + entry["indices"] if f["key"] == key)


def shown(body: dict) -> dict[str, dict]:
    """The groups shown, by code."""
    return {g["group"]: g for g in body["groups"] if not g["suppressed"]}


def index_score(value: int) -> float:
    """The partssamarbeid index of a person who answered ``value`` on every item."""
    from survey_service.instruments import bundled, score_response

    scores = score_response(bundled("partssamarbeid"), answers_for("partssamarbeid", value))
    return float(scores.index_scores["partssamarbeidsindeks"])


class Attacker:
    """Knows which published figures each respondent is in (the worst case: who answered,
    with which attributes, and when) and adds and subtracts the published sums.

    Each figure is a row: a coefficient per person (1 for a plain sum over a set of
    people; a weighted total weighs each by its weighting group). :meth:`isolated` looks for
    a combination of the rows that is a sum over fewer than ``k`` people: a set ``S`` of
    people such that the rows restricted to everyone else no longer span what they spanned,
    by brute force over people (merged only where no row tells them apart)."""

    def __init__(self, k: int = 5) -> None:
        self.k = k
        self.rows: list[dict[int, float]] = []

    def saw(self, people: Any, coefficients: dict[int, float] | None = None) -> None:
        row = dict(coefficients) if coefficients is not None else dict.fromkeys(people, 1.0)
        if row and row not in self.rows:
            self.rows.append(row)

    def isolated(self) -> tuple[int, ...] | None:
        """People whose sum some combination of the figures gives, fewer than ``k``; None."""
        import itertools

        import numpy as np

        everyone = sorted(set().union(*self.rows)) if self.rows else []
        patterns: dict[tuple[float, ...], list[int]] = {}
        for person in everyone:
            patterns.setdefault(tuple(row.get(person, 0.0) for row in self.rows), []).append(person)
        classes = list(patterns.values())
        # A class of people no row tells apart is one column: their sum.
        matrix = np.array([[row.get(c[0], 0.0) for c in classes] for row in self.rows])
        full = np.linalg.matrix_rank(matrix)
        for size in range(1, self.k):
            for chosen in itertools.combinations(range(len(classes)), size):
                if sum(len(classes[c]) for c in chosen) >= self.k:
                    continue
                rest = [c for c in range(len(classes)) if c not in chosen]
                if (np.linalg.matrix_rank(matrix[:, rest]) if rest else 0) < full:
                    return tuple(sorted(p for c in chosen for p in classes[c]))
        return None


class Watcher:
    """Reads a survey's scores (and breakdowns) after every action, as an owner polling its
    dashboard would, and tells the attacker the people behind each published figure.

    ``people[i]``: the attributes and score of the i-th to answer; ``present``: who is in
    the survey's data now. A new score snapshot holds everyone present when it was taken
    (it is taken at the change that makes it due)."""

    def __init__(self, client: Any, key: str, survey: dict, figure: str, k: int = 5) -> None:
        self.client, self.key, self.survey, self.figure = client, key, survey, figure
        self.attacker = Attacker(k)
        self.people: list[dict[str, Any]] = []
        self.present: set[int] = set()
        self.at_snapshot: dict[int, frozenset[int]] = {}
        self.breakdowns: list[dict] = []

    def arrive(self, score: float, **respondent: str) -> int:
        self.people.append({"score": score, **respondent})
        self.present.add(len(self.people) - 1)
        return len(self.people) - 1

    def leave(self, person: int) -> None:
        self.present.discard(person)

    def read(self, *bys: str, weights: Any = None) -> None:
        """The scores (and the breakdowns ``bys``): every figure shown becomes a row."""
        from helpers import figure, read_scores

        scores = read_scores(self.client, self.key, self.survey)
        snapshot = scores["snapshot"]
        if snapshot is not None:
            people = self.at_snapshot.setdefault(snapshot["seq"], frozenset(self.present))
            total = figure(scores, self.figure)
            if not total["suppressed"]:
                if weights is None:
                    self.attacker.saw(people)
                else:
                    self.attacker.saw(people, weights(self, people))
        for by in bys:
            body = read_breakdown(self.client, self.key, self.survey, by)
            self.breakdowns.append(body)
            if body["snapshot"] is None:
                continue
            people = self.at_snapshot[body["snapshot"]["seq"]]
            for entry in body["groups"]:
                if not entry["suppressed"]:
                    self.attacker.saw(p for p in people if self.in_group(p, by, entry["group"]))

    def in_group(self, person: int, by: str, group: str) -> bool:
        from survey_service.services.breakdown_groups import role_group

        attribute = "role" if by == "role_group" else by
        value = self.people[person].get(attribute)
        return value is not None and (role_group(value) if by == "role_group" else value) == group

    def sum_of(self, people: Any) -> float:
        return float(sum(self.people[p]["score"] for p in people))

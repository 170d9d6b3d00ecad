"""The service's limits, counted in shared memory, without cookies and without storing anyone.

Three sketches (``count_min.py``) in the file that every worker process maps
(``shared_counters.py``):

* ``clients``: the public requests of each client (its network address, hashed) a minute.
  Above ``per_minute`` the client is told to wait; a request refused is not counted, so a
  client gets ``per_minute`` requests a minute however hard it tries.
* ``surveys``: the ACCEPTED submissions of each survey a minute, a ceiling that keeps a
  survey's storage from a flood. Refused submissions do not count: a flood of invalid ones
  cannot lock the survey's real respondents out (the client limit deals with the flooder).
  Workers check the ceiling before submitting and count after, so submissions arriving at
  the same moment may pass it by up to the number of workers.
* ``openings``: a one-day "seen" set of (survey, client), so that the form opened again and
  again by one client counts once a day in the fieldwork monitor's "started". Two keys that
  collide in every row look seen: a few first openings go uncounted, an undercount of well
  under 0.1 % at a hundred thousand openings a day, which the monitor can bear.

A rate is the sliding-window estimate ``current + previous * (1 - elapsed)``: one minute
window's count, and the part of the previous one still inside the last sixty seconds.

The key of a client is handed in by the web edge, which reads the address; it is only ever
hashed here, never stored or logged.
"""

from __future__ import annotations

from survey_service.services.count_min import Counts, Shape
from survey_service.services.shared_counters import SharedCounters

MINUTE = 60
DAY = 86_400

SHAPES = {
    # Overcounts by about e x (requests in the window) / width: a few at 30,000 a minute.
    "clients": Shape(window_seconds=MINUTE, depth=4, width=1 << 15),
    "surveys": Shape(window_seconds=MINUTE, depth=4, width=1 << 12),
    # Only "seen or not" matters here: one-byte counters, many of them.
    "openings": Shape(window_seconds=DAY, depth=4, width=1 << 19, typecode="B"),
}


def wait_seconds(counts: Counts, limit: int, window_seconds: int) -> float:
    """0 when one more fits under ``limit`` a window, else the seconds until it will."""
    current, previous, elapsed = counts.current, counts.previous, counts.elapsed
    room = limit - 1  # the estimate must be at most this before counting one more
    if current + previous * (1 - elapsed) <= room:
        return 0.0
    if current > room:
        # Not before the next window, and then only once enough of this one has slid out.
        return (1 - elapsed + 1 - room / current) * window_seconds
    # This window has room: wait until enough of the previous one has slid out.
    return (1 - (room - current) / previous - elapsed) * window_seconds


def take_request(counters: SharedCounters, client: bytes, *, per_minute: int, now: float) -> float:
    """Count a client's request if it fits; return 0, or the seconds to wait (uncounted)."""
    with counters.locked("clients") as sketch:
        wait = wait_seconds(sketch.counts(client, now), per_minute, MINUTE)
        if wait == 0:
            sketch.add(client, now)
        return wait


def survey_wait(counters: SharedCounters, survey: str, *, per_minute: int, now: float) -> float:
    """0 when the survey may accept one more submission now, else the seconds to wait."""
    with counters.locked("surveys") as sketch:
        return wait_seconds(sketch.counts(survey.encode(), now), per_minute, MINUTE)


def count_accepted(counters: SharedCounters, survey: str, *, now: float) -> None:
    """Count a submission the survey accepted (stored, not a repeat)."""
    with counters.locked("surveys") as sketch:
        sketch.add(survey.encode(), now)


def first_opening(counters: SharedCounters, survey: str, client: bytes, *, now: float) -> bool:
    """True the first time today that ``client`` opens the form of ``survey``; notes it."""
    key = survey.encode() + b"\0" + client
    with counters.locked("openings") as sketch:
        if sketch.counts(key, now).current > 0:
            return False
        sketch.add(key, now)
        return True

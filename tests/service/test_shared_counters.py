"""The counting core of the limits, without the web: the two-window count-min sketch, the
sliding-window waits, and the one file that processes share. Time is passed in, not waited."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest

from survey_service.services import rate_limit
from survey_service.services.count_min import Counts, Shape, WindowedCountMin
from survey_service.services.shared_counters import SharedCounters, segment_name

MINUTE = 60
T0 = 1_800_000_000.0  # the start of a minute window (divisible by 60)
CLIENT = bytes([203, 0, 113, 77])


def counters(folder, name="test-counters", secret="s") -> SharedCounters:
    return SharedCounters(name, rate_limit.SHAPES, secret=secret, folder=folder)


SMALL = Shape(window_seconds=MINUTE, depth=4, width=64)


def sketch(shape: Shape = SMALL) -> WindowedCountMin:
    return WindowedCountMin(memoryview(bytearray(shape.size)), shape, secret=b"s")


def test_counts_move_from_the_current_to_the_previous_window_then_out():
    counts = sketch()
    for _ in range(3):
        counts.add(b"a", T0 + 1)
    counts.add(b"b", T0 + 2)
    assert counts.counts(b"a", T0 + 30) == Counts(current=3, previous=0, elapsed=0.5)
    assert counts.counts(b"a", T0 + MINUTE + 15) == Counts(current=0, previous=3, elapsed=0.25)
    assert counts.counts(b"a", T0 + 2 * MINUTE) == Counts(0, 0, 0.0)
    # A gap of more than one window forgets everything at once.
    counts.add(b"a", T0 + 2 * MINUTE)
    assert counts.counts(b"a", T0 + 10 * MINUTE).previous == 0


def test_each_window_has_a_fresh_salt():
    shape = Shape(window_seconds=MINUTE, depth=2, width=8)
    memory = bytearray(shape.size)
    counts = WindowedCountMin(memoryview(memory), shape, secret=b"s")
    counts.add(b"a", T0)
    first_salt = bytes(memory[8:24])
    counts.add(b"a", T0 + MINUTE)
    assert bytes(memory[8:24]) != first_salt  # the current window's
    window_bytes = shape.window_bytes
    assert bytes(memory[window_bytes + 8 : window_bytes + 24]) == first_salt  # now previous


def test_a_count_is_never_below_the_truth():
    shape = Shape(window_seconds=MINUTE, depth=3, width=16)  # crowded on purpose
    counts = WindowedCountMin(memoryview(bytearray(shape.size)), shape, secret=b"s")
    truth = {f"k{n}".encode(): n % 7 + 1 for n in range(60)}
    for key, times in truth.items():
        for _ in range(times):
            counts.add(key, T0)
    assert all(counts.counts(key, T0).current >= n for key, n in truth.items())


def test_one_byte_counters_stop_at_255():
    counts = sketch(Shape(window_seconds=MINUTE, depth=2, width=8, typecode="B"))
    for _ in range(300):
        counts.add(b"a", T0)
    assert counts.counts(b"a", T0).current == 255


def test_the_memory_must_fit_the_shape():
    shape = Shape(window_seconds=MINUTE, depth=2, width=8)
    with pytest.raises(ValueError, match=f"needs {shape.size} bytes"):
        WindowedCountMin(memoryview(bytearray(10)), shape, secret=b"s")


@pytest.mark.parametrize(
    ("counts", "limit", "wait"),
    [
        (Counts(current=4, previous=0, elapsed=0.5), 5, 0.0),
        # Full: not before the next window, and there until 1 - 4/5 of it has passed.
        (Counts(current=5, previous=0, elapsed=0.5), 5, 30 + 12),
        # This window has room, but the part of the previous one still inside the last
        # minute fills it: wait until enough of it slid out (2 + 6 * (1 - e) <= 4).
        (Counts(current=2, previous=6, elapsed=0.5), 5, (1 - 2 / 6 - 0.5) * 60),
        (Counts(current=0, previous=0, elapsed=0.0), 1, 0.0),
        (Counts(current=1, previous=0, elapsed=0.0), 1, 120.0),
    ],
)
def test_wait_seconds(counts, limit, wait):
    assert rate_limit.wait_seconds(counts, limit, MINUTE) == pytest.approx(wait)


def test_a_client_gets_its_limit_a_minute_and_a_refused_request_is_not_counted(tmp_path):
    shared = counters(tmp_path)
    taken = [rate_limit.take_request(shared, CLIENT, per_minute=3, now=T0 + n) for n in range(6)]
    assert taken[:3] == [0, 0, 0] and all(wait > 0 for wait in taken[3:])
    with shared.locked("clients") as clients:
        assert clients.counts(CLIENT, T0 + 6).current == 3
    # Another client is not held back.
    assert rate_limit.take_request(shared, b"\x01\x02\x03\x04", per_minute=3, now=T0 + 6) == 0


def test_the_survey_ceiling_counts_what_it_is_told_was_accepted(tmp_path):
    shared = counters(tmp_path)
    assert rate_limit.survey_wait(shared, "abc", per_minute=2, now=T0) == 0
    rate_limit.count_accepted(shared, "abc", now=T0)
    rate_limit.count_accepted(shared, "abc", now=T0)
    assert rate_limit.survey_wait(shared, "abc", per_minute=2, now=T0 + 1) > 0
    assert rate_limit.survey_wait(shared, "other", per_minute=2, now=T0 + 1) == 0


def test_an_opening_is_first_once_a_day(tmp_path):
    shared = counters(tmp_path)
    day = rate_limit.DAY
    start = T0 - T0 % day
    assert rate_limit.first_opening(shared, "abc", CLIENT, now=start + 10)
    assert not rate_limit.first_opening(shared, "abc", CLIENT, now=start + 5000)
    assert rate_limit.first_opening(shared, "xyz", CLIENT, now=start + 5000)
    assert rate_limit.first_opening(shared, "abc", CLIENT, now=start + day + 1)


ADD_IN_ANOTHER_PROCESS = """
import sys
from pathlib import Path
from survey_service.services import rate_limit
from survey_service.services.shared_counters import SharedCounters

shared = SharedCounters("test-counters", rate_limit.SHAPES, secret="s", folder=Path(sys.argv[1]))
for _ in range(25):
    rate_limit.count_accepted(shared, "abc", now=float(sys.argv[2]))
"""


def test_processes_share_one_count(tmp_path):
    """Counts made by several processes, each opening the file by name, add up."""
    command = [sys.executable, "-c", ADD_IN_ANOTHER_PROCESS, str(tmp_path), str(T0)]
    workers = [subprocess.Popen(command) for _ in range(3)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0, 0]
    with counters(tmp_path).locked("surveys") as surveys:
        assert surveys.counts(b"abc", T0).current == 75


COUNT_BEFORE_AND_AFTER_FORK = """
import os
import sys
from pathlib import Path
from survey_service.services import rate_limit
from survey_service.services.shared_counters import SharedCounters

now = float(sys.argv[2])
shared = SharedCounters("test-counters", rate_limit.SHAPES, secret="s", folder=Path(sys.argv[1]))
rate_limit.count_accepted(shared, "abc", now=now)
children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        for _ in range(20):
            rate_limit.count_accepted(shared, "abc", now=now)
        os._exit(0)
    children.append(pid)
assert all(os.waitpid(pid, 0)[1] == 0 for pid in children)
with shared.locked("surveys") as surveys:
    print(surveys.counts(b"abc", now).current)
"""


def test_processes_forked_after_first_use_share_the_count(tmp_path):
    """The app is built, and may be used, in gunicorn's master before it forks the workers:
    each worker must lock the file through a descriptor of its own."""
    command = [sys.executable, "-c", COUNT_BEFORE_AND_AFTER_FORK, str(tmp_path), str(T0)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "61"


def test_the_file_holds_no_key_and_two_services_never_share_one(tmp_path):
    shared = counters(tmp_path, name=segment_name(database_url="sqlite:///a", secret="s"))
    rate_limit.take_request(shared, CLIENT, per_minute=10, now=T0)
    rate_limit.first_opening(shared, "abc", CLIENT, now=T0)
    stored = shared.path.read_bytes()
    assert CLIENT not in stored and b"203.0.113.77" not in stored and b"abc" not in stored
    assert shared.path.stat().st_mode & 0o777 == 0o600
    names = {
        segment_name(database_url="sqlite:///a", secret="s"),
        segment_name(database_url="sqlite:///b", secret="s"),
        segment_name(database_url="sqlite:///a", secret="t"),
    }
    assert len(names) == 3
    # Without the secret, the counters cannot be matched to a key.
    other = counters(tmp_path, name="elsewhere", secret="another secret")
    other.path.write_bytes(stored)
    with other.locked("clients") as clients:
        assert clients.counts(CLIENT, T0).current == 0


def test_a_file_of_another_layout_is_cleared_not_misread(tmp_path):
    shared = counters(tmp_path)
    rate_limit.count_accepted(shared, "abc", now=T0)
    data = bytearray(shared.path.read_bytes())
    data[8:16] = struct.pack("<q", 12345)  # another layout's digest
    shared.path.write_bytes(bytes(data))
    with counters(tmp_path).locked("surveys") as surveys:
        assert surveys.counts(b"abc", T0).current == 0

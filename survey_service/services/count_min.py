"""A count-min sketch over two time windows, laid out in a caller's block of memory.

It answers "about how many times was this key counted in the current and the previous
window?" with fixed memory and without holding the keys: a key only picks one counter in
each of ``depth`` rows, through a keyed hash. Collisions can only add, so an estimate is
never below the true count and is above it by little while the sketch is far from full.

The block (any writable buffer, e.g. a shared ``mmap``) holds, for each of the two windows,
its number, its salt and its counters. When time moves into the next window the current
one becomes the previous, and the new current starts at zero with a fresh random salt; a
gap of more than one window clears both. A key's counters are thus unlinkable from one
window to the next, and after two windows nothing is left of it.

The sketch does no locking: the caller holds a lock around every call (``shared_counters``).
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from dataclasses import dataclass

#: Per window: its number (signed 64-bit) and its salt.
_HEADER = struct.Struct("<q16s")
SALT_BYTES = 16


@dataclass(frozen=True)
class Shape:
    """A sketch's dimensions: ``width`` counters in each of ``depth`` rows, per window.

    ``typecode`` is that of the counters (``"I"`` 32-bit, ``"B"`` 8-bit); counters stop at
    their largest value rather than wrap.
    """

    window_seconds: int
    depth: int
    width: int
    typecode: str = "I"

    @property
    def counter_bytes(self) -> int:
        return struct.calcsize(self.typecode)

    @property
    def window_bytes(self) -> int:
        return _HEADER.size + self.depth * self.width * self.counter_bytes

    @property
    def size(self) -> int:
        """Bytes of memory the sketch needs: two windows."""
        return 2 * self.window_bytes


@dataclass(frozen=True)
class Counts:
    """A key's estimated counts, and how far (0 to 1) into the current window ``now`` is."""

    current: int
    previous: int
    elapsed: float


class WindowedCountMin:
    """The sketch in ``memory`` (``shape.size`` bytes, zeros or left by an earlier sketch).

    ``secret`` is mixed into every hash besides the window's salt, so the memory alone does
    not let anyone test whether a given key was counted.
    """

    def __init__(self, memory: memoryview, shape: Shape, *, secret: bytes) -> None:
        if len(memory) != shape.size:
            raise ValueError(f"the sketch needs {shape.size} bytes, not {len(memory)}")
        self.shape = shape
        self._secret = hashlib.blake2b(secret, digest_size=32).digest()
        self._halves = (memory[: shape.window_bytes], memory[shape.window_bytes :])
        self._max = (1 << (8 * shape.counter_bytes)) - 1

    # -- windows ---------------------------------------------------------------------------

    def _window(self, half: int) -> tuple[int, bytes]:
        number, salt = _HEADER.unpack_from(self._halves[half])
        return number, salt

    def _counters(self, half: int) -> memoryview[int]:
        return self._halves[half][_HEADER.size :].cast(self.shape.typecode)  # type: ignore[call-overload]

    def _start(self, half: int, number: int) -> None:
        region = self._halves[half]
        region[:] = bytes(len(region))
        _HEADER.pack_into(region, 0, number, secrets.token_bytes(SALT_BYTES))

    def _advance(self, now: float) -> float:
        """Move the windows on to ``now``; return how far into the current one it is."""
        number = int(now // self.shape.window_seconds)
        current, salt = self._window(0)
        if salt == bytes(SALT_BYTES) or number > current + 1:
            self._start(0, number)  # new memory, or nothing recent enough to keep
            self._start(1, number - 1)
        elif number == current + 1:
            self._halves[1][:] = self._halves[0]
            self._start(0, number)
        elif number < current:
            return 0.0  # the clock stepped back: count in the newest window
        return now / self.shape.window_seconds - number

    # -- keys ------------------------------------------------------------------------------

    def _cells(self, key: bytes, half: int) -> list[int]:
        _, salt = self._window(half)
        digest = hashlib.blake2b(
            key, key=salt + self._secret, digest_size=4 * self.shape.depth
        ).digest()
        width = self.shape.width
        return [
            row * width + int.from_bytes(digest[4 * row : 4 * row + 4], "little") % width
            for row in range(self.shape.depth)
        ]

    def _estimate(self, key: bytes, half: int) -> int:
        counters = self._counters(half)
        return min(counters[cell] for cell in self._cells(key, half))

    def counts(self, key: bytes, now: float) -> Counts:
        elapsed = self._advance(now)
        return Counts(self._estimate(key, 0), self._estimate(key, 1), elapsed)

    def add(self, key: bytes, now: float) -> None:
        """Count ``key`` once in the current window."""
        self._advance(now)
        counters = self._counters(0)
        cells = self._cells(key, 0)
        # Conservative update: raise only the counters at the key's minimum. The estimate
        # grows by one as it must, and the other keys sharing a cell are overcounted less.
        lowest = min(counters[cell] for cell in cells)
        if lowest >= self._max:
            return
        for cell in cells:
            if counters[cell] == lowest:
                counters[cell] = lowest + 1

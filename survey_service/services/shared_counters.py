"""Count-min sketches in one file of shared memory, the same for every worker process.

Gunicorn runs the service in several processes; a limit kept in each would let a client
through once per process. The sketches (``count_min.py``) therefore live in one file, under
``/dev/shm`` where it exists (memory, gone at reboot) and else in the temporary directory,
mapped into every process that uses it and guarded by ``fcntl.flock``.

The file's name is a hash of the database URL and the secret: two services on one machine
never share it, and the processes of one service always find the same one, whether the app
was built before the fork or in each worker. The layout's digest is in the name too, so a
version with other sketch sizes never maps a file of the wrong size.

It holds counters and per-window salts, never a key: nothing in it lists who was counted,
and without the secret it cannot even test a guess (see ``count_min.py``).
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import tempfile
import threading
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from survey_service.services.count_min import Shape, WindowedCountMin

#: The file starts with this, then a digest of the layout: a file left by a service with
#: other sketch sizes is cleared rather than misread.
MAGIC = b"SVYCNT01"
_HEADER_BYTES = len(MAGIC) + 8


def segment_name(*, database_url: str, secret: str) -> str:
    """The name shared by the processes of the service with this database and secret."""
    digest = hashlib.blake2b(f"{database_url}\0{secret}".encode(), digest_size=12)
    return f"survey-service-counters-{digest.hexdigest()}"


def shared_folder() -> Path:
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


class SharedCounters:
    """The named ``shapes`` of sketch, one after another in the file ``name`` in ``folder``.

    The file is opened on first use in each process.
    """

    def __init__(
        self, name: str, shapes: Mapping[str, Shape], *, secret: str, folder: Path | None = None
    ) -> None:
        self._shapes = dict(shapes)
        self._secret = secret.encode()
        self._layout = hashlib.blake2b(repr(sorted(self._shapes.items())).encode(), digest_size=8)
        self.path = (folder or shared_folder()) / f"{name}-{self._layout.hexdigest()}"
        self._size = _HEADER_BYTES + sum(shape.size for shape in self._shapes.values())
        self._pid = -1
        self._opening = threading.Lock()

    def _open(self) -> None:
        """Map the file in this process. After a fork the parent's descriptor is not used:
        flock locks belong to the open file, which parent and children would share."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.fstat(fd).st_size < self._size:
                    os.ftruncate(fd, self._size)
                memory = mmap.mmap(fd, self._size)
                header = MAGIC + self._layout.digest()
                if memory[:_HEADER_BYTES] != header:
                    memory[:] = bytes(self._size)
                    memory[:_HEADER_BYTES] = header
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        weakref.finalize(self, os.close, fd)  # the counters of a discarded app (tests)
        self._thread_lock = threading.Lock()  # flock does not exclude threads of one process
        self._sketches: dict[str, WindowedCountMin] = {}
        offset = _HEADER_BYTES
        view = memoryview(memory)
        for name, shape in self._shapes.items():
            block = view[offset : offset + shape.size]
            self._sketches[name] = WindowedCountMin(block, shape, secret=self._secret)
            offset += shape.size
        self._pid = os.getpid()

    def _ensure_open(self) -> None:
        if self._pid != os.getpid():
            with self._opening:  # the first requests of a process may come at once
                if self._pid != os.getpid():
                    self._open()

    @contextmanager
    def locked(self, name: str) -> Iterator[WindowedCountMin]:
        """The sketch ``name``, held by this thread and process alone until the block ends."""
        self._ensure_open()
        with self._thread_lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield self._sketches[name]
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

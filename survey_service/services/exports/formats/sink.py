"""A write-only, unseekable file that hands out what was written to it: a pipe to drain."""

from __future__ import annotations

import io
from typing import Any


class DrainSink(io.RawIOBase):
    """Writers (ParquetWriter, ZipFile) write into it; :meth:`drain` takes the bytes out."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data

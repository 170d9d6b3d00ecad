"""The body of an export response: an iterator of bytes that owns its database connection."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import Connection


class ExportStream:
    """The body of an export response: an iterator of bytes that owns its DB connection.

    Werkzeug calls :meth:`close` when the response ends, whether the client read it all or
    went away, also when iteration never started (a generator's ``finally`` would not run
    then), so the cursor, the transaction and the connection never outlive the download.
    """

    def __init__(
        self,
        connection: Connection,
        chunks: Iterator[bytes],
        on_close: Callable[[bool], None],
    ) -> None:
        self._connection = connection
        self._chunks = chunks
        self._on_close = on_close
        self._finished = False
        self.closed = False

    @property
    def connection(self) -> Connection:
        return self._connection

    def __iter__(self) -> ExportStream:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except StopIteration:
            self._finished = True
            self.close()
            raise
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        finally:
            try:
                self._connection.close()
            finally:
                self._on_close(self._finished)

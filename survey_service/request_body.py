"""The request body, read whole or refused: never a truncated body parsed as if it were whole.

werkzeug enforces ``MAX_CONTENT_LENGTH`` on a body without ``Content-Length`` (chunked) by
stopping at the limit, and the parser then sees a cut-off body: "invalid JSON" on the API, a
form with fields missing on the respondent's page. Here a body that goes on past the limit is
413, and a body the server cannot read at all (malformed chunked encoding) is 400, not a 500.
"""

from __future__ import annotations

import io
from typing import IO, Any, cast

import flask
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_input_stream

__all__ = ["Request"]

#: After a refusal, how much more of the body is read and thrown away, so that a client that
#: sent a little too much reads the 413 instead of a reset connection. A client that keeps
#: sending past this is cut off.
DRAIN_AT_MOST = 8 * 1024 * 1024
_BLOCK = 64 * 1024


class Request(flask.Request):
    @cached_property
    def stream(self) -> IO[bytes]:
        limit = self.max_content_length
        try:
            stream = get_input_stream(self.environ, max_content_length=limit)
        except RequestEntityTooLarge:
            raise _too_large(limit) from None
        if limit is not None and "wsgi.input_terminated" in self.environ:
            # The server ends the body (chunked, or at its Content-Length), so reading one
            # byte past the limit cannot hang: it tells a body that goes on from one that ends.
            return cast(IO[bytes], _WholeOrRefused(_ServerInput(self.environ["wsgi.input"]), limit))
        return stream


class _ServerInput(io.RawIOBase):
    """The server's input stream; a body it cannot read is the client's error (400)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._stream.read(len(buffer))
        except (HTTPException, OSError, ValueError):
            raise
        except Exception as error:
            # gunicorn raises its own exceptions for a malformed chunked body.
            raise BadRequest("The request body could not be read (malformed encoding).") from error
        buffer[: len(data)] = data
        return len(data)


class _WholeOrRefused(LimitedStream):
    def __init__(self, stream: _ServerInput, limit: int) -> None:
        super().__init__(cast(IO[bytes], stream), limit, is_max=True)
        self._server_input = stream

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted and self._server_input.read(1):
            self.on_exhausted()
        return data

    def on_exhausted(self) -> None:
        _drain(self._server_input)
        raise _too_large(self.limit)


def _too_large(limit: int | None) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(
        f"The request body is larger than {limit} bytes, the most the service takes."
    )


def _drain(stream: _ServerInput) -> None:
    left = DRAIN_AT_MOST
    try:
        while left > 0:
            block = stream.read(min(_BLOCK, left))
            if not block:
                return
            left -= len(block)
    except (HTTPException, OSError, ValueError):
        return

"""A zip archive written as a stream: the data file first, then the files that describe it
(which may need counts known only once the data is written). Nothing is buffered beyond one
chunk: ``zipfile`` writes to an unseekable sink with data descriptors."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping

from survey_service.services.exports.formats.sink import DrainSink


def bundle(
    data_name: str,
    data: Iterable[bytes],
    describe: Callable[[], Mapping[str, bytes]],
) -> Iterator[bytes]:
    """The archive of ``data`` (as ``data_name``) and the files ``describe()`` returns after
    the data is written."""
    sink = DrainSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(data_name, "w", force_zip64=True) as member:
            for chunk in data:
                member.write(chunk)
                yield sink.drain()
        for name, content in describe().items():
            archive.writestr(name, content)
            yield sink.drain()
    yield sink.drain()

"""Anonymised exports of response sets, streamed; and their codebooks.

Modules, one idea each:

- ``columns``: the exported columns, derived from the instrument version (pure);
- ``disclosure``: k-anonymity and homogeneity plans, the conditional-items rule, free-text
  screening (pure);
- ``query``: surveys, the aggregate pass and the row stream (SQL);
- ``formats``: CSV (text cells neutralised against formula injection), JSON Lines, Parquet,
  SPSS .sav and the zip bundle (lazy encoders);
- ``codebook``: JSON, Frictionless Data Package and Markdown codebooks;
- ``rows``: the disclosure step on the row stream, in the layout's column order (pure);
- ``stream``: the response body, which owns and closes its database connection;
- ``export``: plans, audits and streams one export.
"""

from survey_service.services.exports.export import (
    ExportNotFound,
    ExportRequest,
    PreparedExport,
    find_layout_version,
    prepare,
)
from survey_service.services.exports.stream import ExportStream

__all__ = [
    "ExportNotFound",
    "ExportRequest",
    "ExportStream",
    "PreparedExport",
    "find_layout_version",
    "prepare",
]

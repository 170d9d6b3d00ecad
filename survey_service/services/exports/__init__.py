"""Anonymised exports of response sets, streamed; and their codebooks.

Modules, one idea each:

- ``columns``: the column model every format reads (pure);
- ``item_columns`` and ``layout``: one item's column, and every column of an export in order,
  derived from the instrument version (pure);
- ``disclosure``: k-anonymity and homogeneity plans (pure);
- ``conditional_items``: blanking items shown only to some roles where the released row does
  not tell who was asked (pure);
- ``text_screening``: free text screened for e-mail addresses, phone and national identity
  numbers (pure);
- ``weights``: the weights the published figures give each row (a quasi-identifier too);
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
    file_name,
    finalise_closed,
    find_layout_version,
    layout_of,
    prepare,
)
from survey_service.services.exports.stream import ExportStream

__all__ = [
    "ExportNotFound",
    "ExportRequest",
    "ExportStream",
    "PreparedExport",
    "file_name",
    "finalise_closed",
    "find_layout_version",
    "layout_of",
    "prepare",
]

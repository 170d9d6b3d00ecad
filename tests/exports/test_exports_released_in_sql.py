"""On PostgreSQL, CSV and Parquet exports have the database compute the released rows
(``released_in_sql``). They must release exactly what the generic path (``rows``) releases:
the same rows, as a multiset, byte for byte, with suppressed, generalised and blanked
quasi-identifiers and conditional items; the same codebook; only the order differs, and it
is neither insertion order nor the same twice."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pyarrow.parquet as pq
import pytest
from exports.test_exports_conditional_items import lone_union_representative  # noqa: F401
from exports.test_exports_disclosure import risky  # noqa: F401
from exports.test_exports_reproduce_figures import MARGINS, _survey

from survey_service.db import db
from survey_service.services.exports import released_in_sql

CASES = [
    ("risky", "omdommepavirkere"),
    ("lone_union_representative", "partssamarbeid"),
    ("raked", "omdommepavirkere"),
]


@pytest.fixture
def raked(admin: str, client: Any) -> Any:
    """A survey weighted by raking on gender and age band: weight columns of their own."""
    return _survey(client, admin, margins=MARGINS, late=3)


@pytest.fixture
def on_postgresql(app: Any) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the SQL path is PostgreSQL's")


@pytest.fixture
def sql_path_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each export took the SQL path, in order."""
    used: list[bool] = []
    applies = released_in_sql.applies

    def spy(*args: Any) -> bool:
        used.append(applies(*args))
        return used[-1]

    monkeypatch.setattr(released_in_sql, "applies", spy)
    return used


def export(client: Any, key: str, **params: Any) -> bytes:
    response = client.get(
        "/api/v1/exports/responses",
        query_string=params,
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    data: bytes = response.get_data()
    response.close()
    return data


def generic(monkeypatch: pytest.MonkeyPatch, run: Callable[[], bytes]) -> bytes:
    """What ``run`` exports through the generic path."""
    with monkeypatch.context() as patched:
        patched.setattr(released_in_sql, "applies", lambda *args: False)
        return run()


def csv_lines(data: bytes) -> tuple[bytes, list[bytes], list[bytes]]:
    """The header, the row ids and the rows without their row id (the first column)."""
    header, *lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert header.startswith(b"row_id,")
    ids, rows = [], []
    for line in lines[:-1]:
        row_id, _, rest = line.partition(b",")
        ids.append(row_id)
        rows.append(rest)
    return header, ids, rows


@pytest.mark.parametrize(("fixture", "instrument"), CASES)
def test_csv_rows_are_the_generic_paths_byte_for_byte(
    request, on_postgresql, sql_path_used, monkeypatch, client, analyst, fixture, instrument
):
    request.getfixturevalue(fixture)
    fast = export(client, analyst, instrument=instrument, format="csv")
    slow = generic(
        monkeypatch, lambda: export(client, analyst, instrument=instrument, format="csv")
    )
    assert sql_path_used == [True]
    fast_header, fast_ids, fast_rows = csv_lines(fast)
    slow_header, slow_ids, slow_rows = csv_lines(slow)
    assert fast_header == slow_header
    assert fast_ids == slow_ids == [str(i).encode() for i in range(1, len(slow_ids) + 1)]
    assert sorted(fast_rows) == sorted(slow_rows)
    assert len(slow_rows) > 0
    # The cases exercise disclosure control: something generalised, blanked or left out.
    parsed = list(csv.DictReader(io.StringIO(fast.decode())))
    assert any(not row["week"] for row in parsed) or any(
        name.startswith("weight_") for name in parsed[0]
    )


@pytest.mark.parametrize(("fixture", "instrument"), CASES)
def test_parquet_rows_and_schema_are_the_generic_paths(
    request, on_postgresql, sql_path_used, monkeypatch, client, analyst, fixture, instrument
):
    request.getfixturevalue(fixture)
    params = {"instrument": instrument, "format": "parquet"}
    fast = pq.read_table(io.BytesIO(export(client, analyst, **params)))
    slow = pq.read_table(
        io.BytesIO(generic(monkeypatch, lambda: export(client, analyst, **params)))
    )
    assert sql_path_used == [True]
    assert fast.schema.equals(slow.schema, check_metadata=True)

    def rows(table: Any) -> list[str]:
        return sorted(
            json.dumps({k: v for k, v in row.items() if k != "row_id"}, sort_keys=True)
            for row in table.to_pylist()
        )

    assert rows(fast) == rows(slow)
    assert sorted(fast.column("row_id").to_pylist()) == list(range(1, slow.num_rows + 1))


@pytest.mark.parametrize(("fixture", "instrument"), CASES)
def test_bundle_codebook_and_metadata_are_the_generic_paths(
    request, on_postgresql, sql_path_used, monkeypatch, client, analyst, fixture, instrument
):
    request.getfixturevalue(fixture)
    params = {"instrument": instrument, "format": "csv", "bundle": "zip"}
    fast = zipfile.ZipFile(io.BytesIO(export(client, analyst, **params)))
    slow = zipfile.ZipFile(
        io.BytesIO(generic(monkeypatch, lambda: export(client, analyst, **params)))
    )
    assert sql_path_used == [True]
    assert fast.namelist() == slow.namelist()
    for name in fast.namelist():
        if name == "export.json":
            fast_meta, slow_meta = (json.loads(z.read(name)) for z in (fast, slow))
            fast_meta.pop("export_id")
            slow_meta.pop("export_id")
            assert fast_meta == slow_meta
            assert fast_meta["rows_written"] > 0
        elif name.endswith(".csv"):
            assert sorted(csv_lines(fast.read(name))[2]) == sorted(csv_lines(slow.read(name))[2])
        else:
            assert fast.read(name) == slow.read(name), name


def test_row_order_is_fresh_and_not_insertion_order(
    risky,  # noqa: F811
    on_postgresql,
    sql_path_used,
    monkeypatch,
    client,
    analyst,
):
    params = {"instrument": "omdommepavirkere", "format": "csv"}
    first = csv_lines(export(client, analyst, **params))[2]
    second = csv_lines(export(client, analyst, **params))[2]
    with monkeypatch.context() as patched:
        # The same query, ordered by row id: the order the responses were stored in.
        patched.setattr(released_in_sql, "shuffle_key_sql", lambda id_sql, secret: id_sql)
        inserted = csv_lines(export(client, analyst, **params))[2]
    assert sql_path_used == [True, True, True]
    assert sorted(first) == sorted(second) == sorted(inserted)
    assert len(set(inserted)) > 5
    assert first != second
    assert first != inserted and second != inserted


def test_parquet_row_groups_number_the_rows_on(
    risky,  # noqa: F811
    on_postgresql,
    sql_path_used,
    monkeypatch,
    client,
    analyst,
):
    """Arrow parses the rows a row group at a time; ``row_id`` counts on across the groups."""
    params = {"instrument": "omdommepavirkere", "format": "parquet"}
    monkeypatch.setattr(released_in_sql, "ROW_GROUP", 4)
    data = export(client, analyst, **params)
    assert sql_path_used == [True]
    fast = pq.ParquetFile(io.BytesIO(data))
    assert fast.metadata.num_row_groups > 2
    assert all(fast.metadata.row_group(i).num_rows <= 4 for i in range(fast.num_row_groups))
    table = fast.read()
    slow = pq.read_table(
        io.BytesIO(generic(monkeypatch, lambda: export(client, analyst, **params)))
    )
    assert table.schema.equals(slow.schema, check_metadata=True)
    assert table.column("row_id").to_pylist() == list(range(1, slow.num_rows + 1))
    assert sorted(
        json.dumps({k: v for k, v in row.items() if k != "row_id"}, sort_keys=True)
        for row in table.to_pylist()
    ) == sorted(
        json.dumps({k: v for k, v in row.items() if k != "row_id"}, sort_keys=True)
        for row in slow.to_pylist()
    )

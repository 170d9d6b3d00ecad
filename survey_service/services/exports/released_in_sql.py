"""The disclosure step of :mod:`.rows`, run by PostgreSQL: the export's rows computed in SQL.

Why: reading the rows into Python costs most of an export's time (decoding each row's JSON
answers and scores into dicts, then building its quasi-identifiers and values cell by cell),
while PostgreSQL can unpack the JSON and write CSV itself at many times the speed.

What stays in Python is everything that depends on a row's *class* only: whether it is
released and at which level of the plan (:mod:`.disclosure`), the values of the columns that
describe it (survey, place, week, attributes as released), which items conditional-item
blanking (:mod:`.conditional_items`) sets to missing, and its weights (:mod:`.weights`).
These are worked out once per stored combination of ``(survey, language, day, role,
age_band, gender, area)`` (the stored classes the plan's aggregate pass found,
``query.stored_classes``, so no second pass) by the very functions the generic path uses,
and written into a
temporary table of the export's transaction, one row per combination, rendered as the
format writes them. A suppressed combination has no row there, so the inner join leaves its
responses out. What depends on a row's own answers is then plain SQL over the JSON:

- an item: ``answers ->> 'link_id'``, set to missing where its class blanks it, "don't know"
  as missing (or ``-1`` where the layout codes it), a choice's option mapped to its number;
- its "don't know" indicator: 1, 0, or missing where there is no answer;
- a score or index: the stored JSON number as text (the digits Python wrote it with);

(``->>`` once per value read, in a subquery of its own, measured faster than unpacking each
object with ``jsonb_to_record``, whose per-row record building costs more.)
- a figure's own weight: the class's weight where the row has a value for the figure.

Free text is never exported this way: its screening (:mod:`.text_screening`) is Python's.
Rows come in the order of :mod:`.row_order`; ``row_id`` numbers them in that order, written
on the way out (a window function would spool every row once more).

``COPY (query) TO STDOUT WITH (FORMAT csv)`` encodes the rows (one per message): for a CSV
export :func:`csv_chunks` puts each after its ``row_id`` and turns its line end into the
CRLF of :mod:`.formats.csv`; for Parquet :func:`csv_row_groups` hands the typed rows' CSV
to Arrow's CSV reader a row group at a time (``formats.parquet.encode_parquet_csv``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from survey_service.instruments import DONT_KNOW
from survey_service.services.exports import query
from survey_service.services.exports.columns import DONT_KNOW_CODE, Column, Layout
from survey_service.services.exports.conditional_items import ConditionalItems
from survey_service.services.exports.disclosure import Plan
from survey_service.services.exports.formats.csv import TEXT_KINDS, neutralise
from survey_service.services.exports.row_order import new_secret, shuffle_key_sql
from survey_service.services.exports.rows import FIGURE_SOURCES, Progress, _Cells, _source
from survey_service.services.exports.weights import cell_of_row

#: The stored columns a class is keyed by, as the aggregate pass groups them.
CLASS_KEY = ("survey_id", "language", "submitted_on", "role", "age_band", "gender", "area")
#: The temporary table of one export's classes (dropped with its transaction).
CLASS_TABLE = "export_release_classes"
#: Bytes gathered from COPY before a chunk is handed on.
CHUNK_BYTES = 64 * 1024
#: Rows per Parquet row group.
ROW_GROUP = 10_000


def applies(connection: Connection, export_layout: Layout, format_name: str) -> bool:
    """Whether this export can be computed in SQL: PostgreSQL, CSV or Parquet, and no
    free-text column (whose screening is Python's)."""
    return (
        connection.dialect.name == "postgresql"
        and format_name in ("csv", "parquet")
        and not any(c.group == "text" for c in export_layout.columns)
    )


def _sql_name(source: str, key: str) -> str:
    """The quoted column name of a value taken out of a row's JSON."""
    name = f"{source}:{key}"
    return '"' + name.replace('"', '""') + '"'


def _sql_string(value: str) -> str:
    """A SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1)."""
    return "'" + value.replace("'", "''") + "'"


class ReleasedQuery:
    """The SQL that computes one export's released rows (see the module docstring)."""

    def __init__(
        self,
        *,
        export_plan: Plan,
        stored: Sequence[query.StoredClass],
        surveys: Mapping[int, query.SurveyInfo],
        export_layout: Layout,
        conditional: ConditionalItems,
        typed: bool,
    ) -> None:
        if export_layout.columns[0].name != "row_id":
            raise ValueError("the released rows are numbered in their first column")
        self.plan = export_plan
        self.stored = stored
        self.surveys = surveys
        self.layout = export_layout
        self.conditional = conditional
        self.typed = typed  # Parquet: typed values; CSV: text as the CSV writer writes it
        self.cells = _Cells(export_layout, surveys, Progress(), conditional)
        self.sources = [(column, _source(column)) for column in export_layout.columns]
        self.described = [
            c.name for c, source in self.sources if source is None and c.name != "row_id"
        ]
        blankable: set[tuple[str, str]] = set()
        for qi in export_plan.levels:
            released = export_plan.release(qi)
            if released is None:
                continue
            blanked = conditional.blanked(released)
            blankable |= {("answer", k) for k in blanked.items}
            blankable |= {("dimension", k) for k in blanked.dimensions}
            blankable |= {("index", k) for k in blanked.indices}
        self.blankable = sorted(blankable)
        self.figures = [
            c.source for c, source in self.sources if source == "weight" and c.source is not None
        ]

    # -- the class table -------------------------------------------------------------------

    def class_table_columns(self) -> list[tuple[str, str]]:
        weight_type = "double precision" if self.typed else "text"
        return [
            ("n", "integer"),
            ("survey_id", "integer"),
            ("language", "text"),
            ("submitted_on", "date"),
            ("role", "text"),
            ("age_band", "text"),
            ("gender", "text"),
            ("area", "text"),
            *((f"d{i}", "text") for i in range(len(self.described))),
            *((f"b{i}", "boolean") for i in range(len(self.blankable))),
            ("w", weight_type),
            *((f"w{i}", weight_type) for i in range(len(self.figures))),
        ]

    def class_rows(self, stored: Sequence[query.StoredClass]) -> Iterator[tuple[Any, ...]]:
        """The class table's rows: one per stored class that the plan releases. Days of one
        week make the same class, so each is worked out once."""
        worked_out: dict[tuple[Any, ...], tuple[Any, ...] | None] = {}
        for number, entry in enumerate(stored):
            key = query.StoredKey(*entry.key)
            as_stored = (
                key.survey_id,
                key.language or "",
                query.iso_week(key.submitted_on),
                key.role or "",
                key.age_band or "",
                key.gender or "",
                key.area or "",
            )
            if as_stored not in worked_out:
                worked_out[as_stored] = self._class_values(key)
            found = worked_out[as_stored]
            if found is None:
                continue  # suppressed: the join leaves its rows out
            yield (
                number,
                key.survey_id,
                key.language or "",
                key.submitted_on,
                key.role or "",
                key.age_band or "",
                key.gender or "",
                key.area or "",
                *found,
            )

    def _class_values(self, key: query.StoredKey) -> tuple[Any, ...] | None:
        """What the class table says of the rows stored with ``key``: None if suppressed."""
        survey = self.surveys[key.survey_id]
        released = self.plan.release(query.quasi_identifiers(survey, key))
        if released is None:
            return None
        described = self.cells.described(released)
        blanked = self.conditional.blanked(released)
        hidden = {
            "answer": blanked.items,
            "dimension": blanked.dimensions,
            "index": blanked.indices,
        }
        overall, own = survey.weights.of(cell_of_row(key))
        return (
            *(self._described_cell(name, described[name]) for name in self.described),
            *(k in hidden[source] for source, k in self.blankable),
            self._weight_cell(overall),
            *(self._weight_cell(own.get(m, overall)) for m in self.figures),
        )

    def _described_cell(self, name: str, value: Any) -> Any:
        if self.typed:
            return value
        if value is None or value == "":
            return None  # both write an empty cell; COPY would quote an empty string
        if self.layout.column(name).kind in TEXT_KINDS and isinstance(value, str) and value:
            return neutralise(value)
        return str(value)

    def _weight_cell(self, value: float | None) -> Any:
        if value is None or self.typed:
            return value
        return repr(value)  # as the csv module writes a float

    # -- the query ---------------------------------------------------------------------------

    def sql(self, survey_ids: Sequence[int], secret: str) -> str:
        """The SELECT of the released rows but their ``row_id``, in random order, columns in
        layout order.

        Each answer and score a column reads is taken out of its JSON object once per row,
        in a subquery PostgreSQL may not inline (``OFFSET 0``), since the expressions of
        the columns mention it several times. The classes are joined by hash; the rows are
        sorted on their key (:mod:`.row_order`; within ``work_mem``, spilling to disk)
        before the columns' expressions are worked out, in a subquery of its own, so that
        what is sorted is only what the expressions read.
        """
        order = shuffle_key_sql("r.id", secret)
        joined = " AND ".join(
            f"c.{k} = r.{k}"
            if k in ("survey_id", "submitted_on")
            else f"c.{k} = coalesce(r.{k}, '')"
            for k in CLASS_KEY
        )
        ids = ", ".join(str(int(i)) for i in survey_ids)
        paths = {
            "answer": "r.answers",
            "dimension": "r.scores -> 'dimensions'",
            "index": "r.scores -> 'indices'",
        }
        taken = ", ".join(
            [f"{order} AS k"]
            + [
                f"{paths[source]} ->> {_sql_string(key)} AS {_sql_name(source, key)}"
                for source, key in self._read()
            ]
            + [f"c.{name}" for name, _ in self.class_table_columns()[8:]]
        )
        columns = [self._expression(column, source) for column, source in self.sources[1:]]
        return (
            f"SELECT {', '.join(columns)} FROM (SELECT {taken} "
            f"FROM response r JOIN {CLASS_TABLE} c ON {joined} "
            f"WHERE r.survey_id IN ({ids}) AND r.published ORDER BY k OFFSET 0) o "
            f"ORDER BY o.k"
        )

    def _read(self) -> list[tuple[str, str]]:
        """The answers and scores the columns read: (source, key)."""
        wanted: list[tuple[str, str]] = []
        for column, source in self.sources:
            if column.source is None:
                continue
            if source in ("answer", "dont_know", "dimension", "index"):
                read = ("answer" if source == "dont_know" else source, column.source)
            elif source == "weight":
                kind, _, key = column.source.partition(":")
                read = (FIGURE_SOURCES[kind], key)
            else:
                continue
            if read not in wanted:
                wanted.append(read)
        return wanted

    def _released(self, source: str, key: str | None) -> str:
        """A stored answer or score as text, missing where the row's class blanks it."""
        assert key is not None
        value = f"o.{_sql_name(source, key)}"
        if (source, key) in self.blankable:
            flag = f"o.b{self.blankable.index((source, key))}"
            return f"(CASE WHEN {flag} THEN NULL ELSE {value} END)"
        return value

    def _expression(self, column: Column, source: str | None) -> str:
        dont_know = _sql_string(DONT_KNOW)
        if source is None:
            return f"o.d{self.described.index(column.name)}"
        if source == "answer":
            return self._answer(column, self._released("answer", column.source))
        if source == "dont_know":
            # 1, 0, or missing with the answer: what the CSV writer and Arrow write of it.
            return f"({self._released('answer', column.source)} = {dont_know})::integer"
        if source == "weight":
            if column.source is None:
                return "o.w"
            kind, _, key = column.source.partition(":")
            value = self._released(FIGURE_SOURCES[kind], key)
            weight = f"o.w{self.figures.index(column.source)}"
            return (
                f"(CASE WHEN {value} IS NULL OR {value} = {dont_know} THEN NULL ELSE {weight} END)"
            )
        return self._number(self._released(source, column.source))

    def _answer(self, column: Column, answer: str) -> str:
        """An item's released answer as the column writes it (``_Cells.answer``)."""
        dont_know = _sql_string(DONT_KNOW)
        if self.layout.dont_know_code:
            missing = str(DONT_KNOW_CODE) if self.typed else _sql_string(str(DONT_KNOW_CODE))
        else:
            missing = "NULL"
        codes = self.layout.choice_codes.get(column.name)
        if codes is not None:
            cases = " ".join(
                f"WHEN {_sql_string(value)} THEN {code if self.typed else _sql_string(str(code))}"
                for value, code in codes.items()
            )
            coded = f"(CASE {answer} {cases} ELSE NULL END)"
        elif missing == "NULL":  # the cheaper form of the same
            plain = f"nullif({answer}, {dont_know})"
            return f"({plain})::numeric::bigint" if self.typed else plain
        else:
            coded = f"({answer})::numeric::bigint" if self.typed else answer
        return f"(CASE WHEN {answer} = {dont_know} THEN {missing} ELSE {coded} END)"

    def _number(self, value: str) -> str:
        """A score: a float for Parquet; for CSV the JSON number's digits, which are the
        Python ``repr`` the score was stored with, except where ``repr`` switches to an
        exponent (below 1e-4, from 1e16), as PostgreSQL's own float output does too."""
        if self.typed:
            return f"({value})::double precision"
        careful = (
            f"(CASE WHEN (abs(({value})::numeric) < 0.0001 AND ({value})::numeric <> 0) "
            f"OR abs(({value})::numeric) >= 1e16 THEN (({value})::double precision)::text "
            f"ELSE {value} END)"
        )
        # Only a number with four zeros after its point or 17 digits before it can need it
        # (``->>`` writes a JSON number as PostgreSQL's numeric: never with an exponent).
        return (
            f"(CASE WHEN length({value}) <= 16 AND strpos({value}, '0.0000') = 0 "
            f"THEN {value} ELSE {careful} END)"
        )


def _prepare(connection: Connection, released: ReleasedQuery, survey_ids: Sequence[int]) -> str:
    """Fill the export's class table from the stored classes of its plan (made on the
    export's own snapshot, so for the very rows the query reads) and return the query of
    its rows."""
    raw = connection.connection.driver_connection
    assert raw is not None
    columns = released.class_table_columns()
    with raw.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {CLASS_TABLE} "
            f"({', '.join(f'{n} {t}' for n, t in columns)}) ON COMMIT DROP"
        )
        with cursor.copy(
            f"COPY {CLASS_TABLE} ({', '.join(n for n, _ in columns)}) FROM STDIN"
        ) as copy:
            for row in released.class_rows(released.stored):
                copy.write_row(row)
        cursor.execute(f"ANALYZE {CLASS_TABLE}")
        # The seven-column join is estimated far too selective, which makes the planner
        # sort whole rows for a merge join: a hash join on the small class table instead.
        # Compiling the expressions (JIT) costs more than it saves on a query read once.
        # (The settings end with the export's transaction.)
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute("SET LOCAL jit = off")
    return released.sql(survey_ids, new_secret())


def csv_chunks(
    connection: Connection,
    released: ReleasedQuery,
    survey_ids: Sequence[int],
    progress: Progress,
) -> Iterator[bytes]:
    """The CSV rows (no header) as PostgreSQL's COPY writes them, each after its ``row_id``,
    in chunks of about :data:`CHUNK_BYTES`; ``progress.rows`` counts them as they go."""
    pending: list[bytes] = []
    size = 0
    for data in _copied(connection, released, survey_ids):
        progress.rows += 1
        pending.append(b"%d,%s\r\n" % (progress.rows, data[:-1]))
        size += len(data) + 8
        if size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


def csv_row_groups(
    connection: Connection,
    released: ReleasedQuery,
    survey_ids: Sequence[int],
    progress: Progress,
    *,
    rows: int | None = None,
) -> Iterator[bytes]:
    """The rows as COPY writes them (no header, no ``row_id``, line ends as they come),
    ``rows`` (:data:`ROW_GROUP`) at a time: for an encoder that parses CSV itself;
    ``progress.rows`` counts them."""
    size = rows or ROW_GROUP
    pending: list[bytes] = []
    for data in _copied(connection, released, survey_ids):
        pending.append(bytes(data))
        if len(pending) >= size:
            progress.rows += len(pending)
            yield b"".join(pending)
            pending = []
    if pending:
        progress.rows += len(pending)
        yield b"".join(pending)


def _copied(
    connection: Connection, released: ReleasedQuery, survey_ids: Sequence[int]
) -> Iterator[memoryview]:
    """The released rows from ``COPY (query) TO STDOUT (FORMAT csv)``, a row per message,
    each ending in LF (line breaks inside a quoted value are kept, as the csv module keeps
    them)."""
    if not survey_ids:
        return
    statement = _prepare(connection, released, survey_ids)
    raw = connection.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
            yield from copy

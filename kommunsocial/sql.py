"""SQL over a processed dataset in place, with DuckDB: questions about a whole country that pandas cannot hold.

:meth:`kommunsocial.Dataset.read` loads every table into memory; a country's comments (millions of
rows, most of them text) do not need to be there to be counted. :func:`query` runs one SQL
statement over the Parquet files of ``data/processed/<dataset>/`` where they lie: the four tables
of the data model are views over the files the dataset's ``manifest.json`` lists (nothing is
copied or loaded first), and DuckDB reads only the columns and row groups the statement needs.

======================  =================================================================================
view                    rows
======================  =================================================================================
``pages``               ``pages.parquet``
``posts``               ``posts/page_id=*/part-0.parquet``, ``page_id`` taken from the folder name
``comments``            ``comments/page_id=*/part-0.parquet``, with the ``page_id`` of the comment's post
                        (a column the data model's comments table does not have: it is the partition key)
``quarantine``          ``quarantine.parquet`` (its columns ``"table"`` and ``"column"`` need quotes in SQL)
======================  =================================================================================

Columns and their meaning are those of ``docs/data-model.md``; categories are text in SQL.
Timestamps are UTC (the session's time zone is UTC whatever the machine's, so ``date_trunc``
and the result's times do not depend on where the query runs); local time is
``created_at AT TIME ZONE 'Europe/Stockholm'``. The result comes back as a pandas DataFrame with
the data model's dtypes: whole numbers ``Int64`` (a missing count stays ``<NA>``, never 0 or a
float), text ``string``, truth values ``boolean``.

>>> import kommunsocial as ks
>>> ks.query("SELECT page_id, count(*) AS posts FROM posts GROUP BY page_id ORDER BY posts DESC",
...          dataset="sample")                                              # doctest: +SKIP

``docs/scale.md`` has recipes for country-wide questions.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import config
from .errors import DatasetError, KommunsocialError

__all__ = ["query", "connect", "QueryError", "VIEWS"]

#: The views every connection has: the data model's four tables.
VIEWS = ("pages", "posts", "comments", "quarantine")

#: SQL type of each kind of column of :data:`kommunsocial.schema.TABLES`, for a table with no file.
_SQL_TYPES = {"string": "VARCHAR", "category": "VARCHAR", "Int64": "BIGINT", "datetime": "TIMESTAMPTZ",
              "boolean": "BOOLEAN"}


class QueryError(KommunsocialError, ValueError):
    """A SQL statement that DuckDB could not run on a dataset: names the dataset and DuckDB's reason."""


def connect(dataset: str | None = None, *, data_dir=None, threads: int | None = None,
            memory_limit: str | None = None, verify: str = "sizes"):
    """A DuckDB connection with the dataset's tables as views (see the module's table).

    Parameters
    ----------
    dataset : str, optional
        The processed dataset's name (``data/processed/<dataset>``).
    data_dir : path, optional
        The processed dataset's folder, instead of ``dataset``.
    threads : int, optional
        DuckDB's threads; default ``$SLURM_CPUS_PER_TASK`` inside a Slurm job (DuckDB would
        otherwise use every core of a node shared with others), else DuckDB's own default.
    memory_limit : str, optional
        DuckDB's memory limit (``"8GB"``); a query that needs more spills to a temporary folder.
    verify : "sizes" or "full"
        How the files are checked against ``manifest.json`` before they are opened, as in
        :meth:`kommunsocial.Dataset.read`.

    The connection reads the files in place: a re-ingest of the dataset while it is open makes
    later statements fail (open a new one); :func:`query` retries by itself.
    """
    import duckdb

    from . import _store

    folder = _folder(dataset, data_dir)
    where = _store.locate(folder)
    manifest = _store.read_manifest(where)
    _store.verify(where, manifest, mode=verify)
    settings = {"threads": threads or os.environ.get("SLURM_CPUS_PER_TASK")}
    if memory_limit:
        settings["memory_limit"] = memory_limit
    con = duckdb.connect(config={k: str(v) for k, v in settings.items() if v})
    # results and date_trunc in UTC on every machine; spills (beyond memory_limit) never into the cwd
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET temp_directory = {_literal(str(Path(tempfile.gettempdir()) / 'kommunsocial-duckdb'))}")
    for name in VIEWS:
        con.execute(f"CREATE VIEW {name} AS {_source(where, name, manifest['files'])}")
    return con


def query(sql: str, dataset: str | None = None, *, data_dir=None, params=None, threads: int | None = None,
          memory_limit: str | None = None):
    """The result of one SQL statement over a processed dataset, as a pandas DataFrame.

    ``sql`` reads the views ``pages``, ``posts``, ``comments`` and ``quarantine`` (see the
    module); ``params`` fills its ``?`` or ``$name`` placeholders (a list or a dict), the safe way
    to put a value, such as a municipality's name, into a statement. Other parameters as in
    :func:`connect`.

    Raises :class:`QueryError` naming the dataset when DuckDB rejects the statement, and
    :class:`~kommunsocial.errors.DatasetError` when the dataset is missing or does not match its
    manifest. A statement that ran while the dataset was replaced by a new ingest runs again.
    """
    import duckdb

    from . import _store

    folder = _folder(dataset, data_dir)
    for _attempt in range(3):
        before = _store.identity(_store.locate(folder))
        con = connect(data_dir=folder, threads=threads, memory_limit=memory_limit)
        try:
            relation = con.sql(sql, params=params)
            table = None if relation is None else _arrow(relation)
        except duckdb.Error as exc:
            if _store.identity(_store.locate(folder)) != before:  # files swapped under the query: again
                continue
            raise QueryError(f"{folder}: {type(exc).__name__}: {exc}") from None
        finally:
            con.close()
        if table is None:
            raise QueryError(f"{folder}: the statement returns no rows; query() answers a SELECT "
                             f"(use kommunsocial.sql.connect() for other statements)")
        if _store.identity(_store.locate(folder)) == before:
            return _to_pandas(table)
    raise DatasetError(folder, "was replaced three times while being queried; try again")


def _folder(dataset, data_dir) -> Path:
    if data_dir:
        return Path(data_dir)
    if not dataset:
        raise ValueError("name a dataset (dataset='sample') or its folder (data_dir=...)")
    return config.processed_dir(dataset)


def _literal(text: str) -> str:
    """``text`` as a SQL string literal (a path may hold a quote)."""
    return "'" + text.replace("'", "''") + "'"


def _source(folder: Path, table: str, files: dict) -> str:
    """The SELECT a view of ``table`` is: over the manifest's files of it, in the data model's column order."""
    import pyarrow.parquet as pq

    from .schema import TABLES

    single = f"{table}.parquet"
    parts = sorted(f for f in files if f.startswith(f"{table}/page_id=") and f.endswith(".parquet"))
    if single in files:
        paths, hive = [folder / single], False
    elif parts:
        paths, hive = [folder / f for f in parts], True
    else:  # a collection without comments (CrowdTangle): an empty table with the model's columns
        spec = TABLES[table]
        cols = ", ".join(f'CAST(NULL AS {_SQL_TYPES[c.kind]}) AS "{c.name}"' for c in spec.values())
        return f"SELECT {cols} WHERE false"
    present = pq.read_schema(paths[0]).names + (["page_id"] if hive else [])
    model = [c for c in TABLES[table] if c in present]
    if hive and "page_id" not in model:  # comments: the page key right after the post's id
        model.insert(model.index("post_id") + 1, "page_id")
    order = model + [c for c in present if c not in model]
    listed = "[" + ", ".join(_literal(str(p)) for p in paths) + "]"
    # hive_types: page ids are text ("0180" keeps its zero); DuckDB decodes the folder's %-escapes
    options = ", hive_partitioning = true, hive_types = {'page_id': 'VARCHAR'}" if hive else ""
    return f"SELECT {', '.join(_quote(c) for c in order)} FROM read_parquet({listed}{options})"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _arrow(relation):
    """A DuckDB relation's rows as a pyarrow Table (the method's name changed across DuckDB versions)."""
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


def _to_pandas(table):
    """A pyarrow Table as a DataFrame with the data model's nullable dtypes."""
    import pandas as pd
    import pyarrow as pa

    def mapper(kind):
        if pa.types.is_integer(kind):
            return pd.Int64Dtype()
        if pa.types.is_boolean(kind):
            return pd.BooleanDtype()
        if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            return pd.StringDtype()
        return None

    for i, field in enumerate(table.schema):
        # DuckDB sums whole numbers as 128-bit integers, which reach Arrow as decimals: back to
        # whole numbers (an overflow of 64 bits raises rather than wraps)
        if pa.types.is_decimal(field.type) and field.type.scale == 0:
            table = table.set_column(i, field.name, table.column(i).cast(pa.int64()))
    return table.to_pandas(types_mapper=mapper)

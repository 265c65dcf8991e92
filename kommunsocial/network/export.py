"""Write graphs for Gephi and other tools: GEXF, GraphML, or an edge-list CSV, chosen by extension."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .. import spreadsheet
from .._atomic import atomic_write
from .tables import Column, GraphTables

__all__ = ["export", "export_files", "clean_attributes", "FORMATS"]

FORMATS = (".gexf", ".graphml", ".csv")


def _scalar(value):
    """A value GEXF/GraphML can hold (str, int, float, bool), or None to drop it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (dt.datetime, dt.date, np.datetime64)):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, (pd.Timedelta, dt.timedelta, np.timedelta64)):
        return float(pd.Timedelta(value).total_seconds())
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _unify(records: list[dict]) -> None:
    """Give each attribute one type across all records (in place): GEXF and GraphML declare a type per key."""
    kinds: dict[str, set] = {}
    for rec in records:
        for k, v in rec.items():
            kinds.setdefault(k, set()).add(type(v))
    for key, types in kinds.items():
        if len(types) < 2:
            continue
        target = float if types <= {int, float} else str
        for rec in records:
            if key in rec:
                rec[key] = target(rec[key]) if target is float else str(rec[key])


def clean_attributes(graph) -> nx.Graph:
    """A copy of ``graph`` whose node, edge and graph attributes Gephi can read.

    Timestamps become ISO 8601 strings, numpy numbers Python numbers, missing values (None, NaN,
    NA, NaT) are dropped, lists become comma-separated strings, and an attribute that mixes ints
    and floats becomes float (mixing anything else: string), since both formats declare one type
    per attribute. Node ids become strings.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge(1, 2, weight=np.int64(3), first_at=pd.Timestamp("2024-01-01", tz="UTC"), note=None)
    >>> dict(clean_attributes(G).edges[("1", "2")])
    {'weight': 3, 'first_at': '2024-01-01T00:00:00+00:00'}
    """
    H = graph.__class__()
    nodes = [(str(v), {k: _scalar(x) for k, x in d.items()}) for v, d in graph.nodes(data=True)]
    edges = [(str(u), str(v), {k: _scalar(x) for k, x in d.items()}) for u, v, d in graph.edges(data=True)]
    for rec in [d for _, d in nodes] + [d for *_, d in edges]:
        for k in [k for k, x in rec.items() if x is None]:
            del rec[k]
    _unify([d for _, d in nodes])
    _unify([d for *_, d in edges])
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    H.graph.update({str(k): _scalar(v) for k, v in graph.graph.items() if _scalar(v) is not None})
    return H


def export(graph, path) -> Path:
    """Write ``graph`` to ``path`` in the format its extension names.

    Parameters
    ----------
    graph : networkx.Graph or DiGraph, or GraphTables
    path : str or Path
        ``.gexf`` (Gephi's format, version 1.2draft), ``.graphml``, or ``.csv`` (an edge list:
        ``source``, ``target`` and one column per edge attribute). The folder is created if needed;
        the file is written under a temporary name and moved into place, so a failure leaves nothing
        half-written.

    Returns
    -------
    Path of the written file.

    Notes
    -----
    Attributes are converted by :func:`clean_attributes` so that Gephi reads them with their types:
    timestamps as ISO strings, numbers as numbers, missing values left out.

    Examples
    --------
    >>> import tempfile
    >>> G = nx.DiGraph([("a", "p")])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(nx.read_gexf(export(G, Path(tmp) / "g.gexf")).edges)
    [('a', 'p')]
    """
    if not isinstance(graph, (nx.Graph, GraphTables)):
        raise TypeError(f"expected a networkx graph, got {type(graph).__name__}")
    if graph.is_multigraph():
        raise TypeError("multigraphs are not supported: aggregate parallel edges into a weight first")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path.name}: unknown graph format {suffix or '(none)'!r}; use one of {FORMATS}")
    if isinstance(graph, GraphTables):
        if suffix == ".csv":  # the edge list straight from the arrays
            header, columns = _edge_columns(graph, ["source", "target"])
            order = [0, 1] + sorted(range(2, len(header)), key=lambda i: header[i])
            _write_atomic(path, [header[i] for i in order], [columns[i] for i in order])
            return path
        graph = graph.to_networkx()
    H = clean_attributes(graph)
    with atomic_write(path) as tmp:
        if suffix == ".gexf":
            nx.write_gexf(H, tmp)
        elif suffix == ".graphml":
            nx.write_graphml(H, tmp)
        else:
            rows = [{"source": u, "target": v, **d} for u, v, d in H.edges(data=True)]
            keys = sorted({k for r in rows for k in r} - {"source", "target"})
            spreadsheet.to_csv(pd.DataFrame(rows, columns=["source", "target", *keys]), tmp, index=False,
                               lineterminator="\n")
    return path


#: A graph with more edges than this is exported as node and edge tables (CSV, which Gephi's
#: spreadsheet import reads) instead of GEXF or GraphML: writing a country's million-edge reply
#: network as XML takes many minutes and gives a file Gephi can hardly open.
MAX_XML_EDGES = 250_000


def _export_tables(graph, folder: Path, stem: str) -> list[Path]:
    """``<stem>.nodes.csv`` (``Id``, ``Label`` and node attributes) and ``<stem>.edges.csv``."""
    if isinstance(graph, GraphTables):
        header, columns = _node_columns(graph)
        nodes = (["Label" if h == "label" else h for h in header], columns)
        header, columns = _edge_columns(graph, ["Source", "Target"])
        kind = _text_column(np.array(["Directed" if graph.directed else "Undirected"], dtype=object))[0]
        edges = (header[:2] + ["Type"] + header[2:], columns[:2] + [itertools.repeat(kind)] + columns[2:])
        paths = []
        for (header, columns), name in ((nodes, "nodes"), (edges, "edges")):
            paths.append(_write_atomic(folder / f"{stem}.{name}.csv", header, columns))
        return paths
    H = clean_attributes(graph)
    nodes = pd.DataFrame([{"Id": n, **d} for n, d in H.nodes(data=True)])
    if "label" in nodes:
        nodes = nodes.rename(columns={"label": "Label"})
    edges = pd.DataFrame([{"Source": u, "Target": v, **d} for u, v, d in H.edges(data=True)])
    edges.insert(2, "Type", "Directed" if H.is_directed() else "Undirected")
    paths = []
    for frame, kind in ((nodes, "nodes"), (edges, "edges")):
        path = folder / f"{stem}.{kind}.csv"
        with atomic_write(path) as tmp:
            spreadsheet.to_csv(frame, tmp, index=False, lineterminator="\n")
        paths.append(path)
    return paths


def export_files(items: dict, folder) -> pd.DataFrame:
    """Export several graphs and tables into ``folder``: ``{file name: graph or DataFrame}``.

    Graphs (networkx graphs or :class:`~kommunsocial.network.tables.GraphTables`) are written by
    :func:`export`; DataFrames as CSV (index included). Graphs without edges
    and tables without rows are skipped, so an analysis with nothing to show exports nothing. A
    graph asked for as GEXF or GraphML with more than :data:`MAX_XML_EDGES` edges is written as
    ``<name>.nodes.csv`` and ``<name>.edges.csv`` instead (say so in ``note``).

    Returns one row per written file: ``file`` (its path), ``format``, ``nodes``, ``edges`` (rows of a
    table), ``kilobytes``, ``note``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     export_files({"a.gexf": nx.path_graph(3), "b.csv": nx.empty_graph(2)}, tmp)["edges"].tolist()
    [2]
    """
    folder = Path(folder)
    rows = []
    for name, item in items.items():
        if isinstance(item, pd.DataFrame):
            if not len(item):
                continue
            path = folder / name
            if path.suffix.lower() != ".csv":
                raise ValueError(f"{name}: tables are exported as .csv")
            with atomic_write(path) as tmp:
                spreadsheet.to_csv(item, tmp, lineterminator="\n")
            nodes, edges = None, len(item)
        else:
            if item.number_of_edges() == 0:
                continue
            nodes, edges = item.number_of_nodes(), item.number_of_edges()
            if Path(name).suffix.lower() in (".gexf", ".graphml") and edges > MAX_XML_EDGES:
                # short enough for a report's table column; the docstring says the rest
                note = f"{edges:,} edges: too many for {Path(name).suffix.lstrip('.').upper()}; CSV for Gephi"
                (folder / name).unlink(missing_ok=True)  # no stale XML of an earlier, smaller run beside it
                for path in _export_tables(item, folder, Path(name).stem):
                    rows.append({"file": str(path), "format": "csv", "nodes": nodes, "edges": edges,
                                 "kilobytes": round(path.stat().st_size / 1024, 1), "note": note})
                continue
            path = export(item, folder / name)
        rows.append({"file": str(path), "format": path.suffix.lstrip("."), "nodes": nodes, "edges": edges,
                     "kilobytes": round(path.stat().st_size / 1024, 1), "note": ""})
    out = pd.DataFrame(rows, columns=["file", "format", "nodes", "edges", "kilobytes", "note"])
    return out.astype({"nodes": "Int64", "edges": "Int64", "kilobytes": "float64", "note": "string"})


# ------------------------------------------------------------------------------------------------
# GraphTables written straight from their arrays. The files are those export() and _export_tables()
# write for the networkx graph (tests/unit/test_network_properties.py compares them byte for byte): the values
# as clean_attributes() converts them, the columns a DataFrame of the attribute dicts would have
# (in order of first appearance; an int attribute some rows lack is written as a float, as pandas
# turns it into one), the text DataFrame.to_csv writes.

_SPECIAL = r'[,"\n\r]'  # what makes the csv module quote a field (delimiter, quote, line breaks)


def _text_column(values: np.ndarray) -> np.ndarray:
    """Strings (object array; None stays None) as fields of a CSV line, quoted as pandas quotes them."""
    out = values.copy()
    ok = np.flatnonzero(pd.notna(values))
    if not len(ok):
        return out
    codes, uniques = pd.factorize(values[ok])  # a column of few distinct values is checked once per value
    uniques = uniques.tolist()
    protected = [spreadsheet.protect(u) for u in uniques]  # a label Excel would run as a formula
    if protected != uniques:
        values = values.copy()
        values[ok] = np.asarray(protected, dtype=object)[codes]
        out = values.copy()
    text = "\x00".join(uniques)
    if not any(char in text for char in ',"\n\r'):  # mostly: nothing to quote
        return out
    special = pd.Series(values[ok], dtype=object).str.contains(_SPECIAL, regex=True).to_numpy(dtype=bool)
    for i in ok[special].tolist():
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([values[i], ""])
        out[i] = buffer.getvalue()[:-2]  # the field without the separator and line end added after it
    return out


def _iso(values) -> np.ndarray:
    """``Timestamp.isoformat()`` of each time of a datetime array (object array; None for NaT)."""
    ints = values.asi8
    missing = np.asarray(values.isna())
    unit = np.datetime_data(values.dtype.base if hasattr(values.dtype, "base") else values.dtype)[0]
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}.get(unit)
    utc = getattr(values, "tz", None) is not None and str(values.tz) == "UTC"
    out = np.full(len(values), None, dtype=object)
    if missing.all():
        return out
    if per_second is not None:
        seconds, fraction = np.divmod(ints[~missing], per_second)
        days, clock = np.divmod(seconds, 86400)
        first, last = int(days.min()), int(days.max())
        in_range = -719162 <= first and last <= 2932896  # years 1 to 9999
    if not (utc and per_second is not None and in_range and not (unit == "ns" and (fraction % 1000).any())):
        # any other time zone or unit: one Timestamp at a time
        out[:] = [None if pd.isna(t) else t.isoformat() for t in np.asarray(values, dtype=object)]
        return out
    # the text of each day and each second of a day, looked up: formatting every time is slow
    date = np.datetime_as_string(np.arange(first, last + 1).astype("M8[D]"), unit="D").astype(object) + "T"
    hour, rest = np.divmod(np.arange(86400), 3600)
    minute, second = np.divmod(rest, 60)
    times = np.array([f"{h:02d}:{m:02d}:{s:02d}" for h, m, s in zip(hour.tolist(), minute.tolist(), second.tolist())],
                     dtype=object)
    micro = fraction * (10**6 // per_second) if per_second <= 10**6 else fraction // 1000
    text = date[days - first] + (times + "+00:00")[clock]
    has = np.flatnonzero(micro != 0)
    if len(has):
        fractions = np.char.zfill(micro[has].astype(str), 6).astype(object)
        text[has] = date[days[has] - first] + times[clock[has]] + "." + fractions + "+00:00"
    out[~missing] = text
    return out


def _clean_column(col: Column, n: int, times: list | None = None):
    """A column as clean_attributes() leaves it: ``(values, type)`` with the values None where a row
    lacks the attribute or its value is missing, ``type`` the one Python type of the rest (after
    _unify); numbers and booleans stay numpy arrays, strings become object arrays. ``times`` holds
    the time columns done before, as ``(times, text)``: equal times are not formatted again."""
    present = col.mask(n)
    values = col.values
    if isinstance(values, pd.api.extensions.ExtensionArray) and values.dtype.kind == "M":
        for earlier, text in times or []:
            if earlier.dtype == values.dtype:
                same = (earlier.asi8 == values.asi8) & ~np.asarray(earlier.isna())
                out = text.copy()
                out[~same] = _iso(values[~same])
                break
        else:
            out = _iso(values)
        if times is not None:
            times.append((values, out.copy()))
        out[~present] = None
        return out, "iso"  # str, never quoted
    values = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if values.dtype.kind in "iu":
        return (values.astype(np.int64), int) if present.all() else (_masked(values.astype(np.int64), present), int)
    if values.dtype.kind == "b":
        return (values, bool) if present.all() else (_masked(values, present), bool)
    if values.dtype.kind == "f":
        return _masked(values.astype(np.float64), present & ~np.isnan(values)), float
    ok = present & np.asarray(pd.notna(values), dtype=bool)
    if ok.any() and pd.api.types.infer_dtype(values[ok], skipna=False) == "string":
        out = values.astype(object, copy=True)
        out[~ok] = None
        return out, str
    cleaned = np.empty(n, dtype=object)  # anything else: value by value, as clean_attributes does
    cleaned[:] = [_scalar(v) if p else None for v, p in zip(values.tolist(), present.tolist())]
    record = [{"x": v} for v in cleaned.tolist() if v is not None]
    _unify(record)
    kinds = {type(r["x"]) for r in record}
    kept = np.flatnonzero(np.asarray(pd.notna(cleaned), dtype=bool))
    cleaned[kept] = [r["x"] for r in record]
    if not kinds:
        return cleaned, str
    (kind,) = kinds
    return cleaned, kind


def _masked(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = values.astype(object)
    out[~keep] = None
    return out


def _texts(values, kind) -> np.ndarray:
    """The CSV fields pandas writes for a cleaned column (see :func:`_clean_column`)."""
    if isinstance(values, np.ndarray) and values.dtype != object:  # every row has a value
        if kind is int:
            return _int_texts(values)
        if kind is float:
            return values.astype(str).astype(object)
        return np.where(values, "True", "False").astype(object)
    ok = np.flatnonzero(np.asarray(pd.notna(values), dtype=bool))
    out = np.full(len(values), "", dtype=object)
    if kind is int and len(ok) < len(values):  # a DataFrame column with gaps: floats
        out[ok] = np.asarray(values[ok].tolist(), dtype=np.float64).astype(str).astype(object)
    elif kind is int:
        out[ok] = _int_texts(np.asarray(values[ok].tolist(), dtype=np.int64))
    elif kind is float:
        out[ok] = np.asarray(values[ok].tolist(), dtype=np.float64).astype(str).astype(object)
    elif kind is bool:
        out[ok] = [str(v) for v in values[ok].tolist()]
    elif kind == "iso":
        out[ok] = values[ok]
    else:
        out[ok] = _text_column(values[ok].astype(object))
    return out


def _int_texts(values: np.ndarray) -> np.ndarray:
    """``str`` of each int (object array); counts are small numbers, looked up in a table of their texts."""
    if len(values) and 0 <= values.min() and values.max() < 2 * len(values) + 1024:
        return np.arange(int(values.max()) + 1).astype(str).astype(object)[values]
    return values.astype(str).astype(object)


def _attribute_columns(columns: dict, n: int) -> tuple[list[str], list[np.ndarray]]:
    """The attribute columns a DataFrame of the cleaned records would have, in order of first
    appearance, as CSV fields."""
    found, times = [], []
    for i, (name, col) in enumerate(columns.items()):
        values, kind = _clean_column(col, n, times)
        has = np.flatnonzero(pd.notna(values)) if values.dtype == object else np.arange(min(n, 1))
        if len(has):  # an attribute no row has a value of is no column
            found.append((int(has[0]), i, name, values, kind))
    found.sort(key=lambda item: item[:2])
    return [name for *_, name, _, _ in found], [_texts(values, kind) for *_, values, kind in found]


def _cached(graph: GraphTables, key: str, make):
    """``make()``, kept with ``graph`` for its next export (a reply network is written twice)."""
    cache = graph.__dict__.setdefault("_export_cache", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _id_texts(graph: GraphTables) -> np.ndarray:
    return _cached(graph, "ids", lambda: _text_column(np.asarray([str(v) for v in graph.ids.tolist()], dtype=object)))


def _node_columns(graph: GraphTables) -> tuple[list[str], list]:
    header, columns = _cached(graph, "nodes", lambda: _attribute_columns(graph.nodes, len(graph.ids)))
    return ["Id"] + header, [_id_texts(graph)] + columns


def _edge_columns(graph: GraphTables, ends: list[str]) -> tuple[list[str], list]:
    ids = _id_texts(graph)
    header, columns = _cached(graph, "edges", lambda: _attribute_columns(graph.edges, len(graph.source)))
    return ends + header, [ids[graph.source], ids[graph.target]] + columns


def _write_atomic(path: Path, header: list[str], columns: list) -> Path:
    """Write a CSV file (as ``DataFrame.to_csv(index=False, lineterminator="\\n")`` would) under a
    temporary name, then move it into place."""
    head = _text_column(np.asarray(header, dtype=object)).tolist()
    with atomic_write(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(",".join(head) + "\n")
            columns = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns]
            lines = map(",".join, zip(*columns))
            while True:  # a million lines at a time: the text of a whole country's edges is large
                chunk = list(itertools.islice(lines, 1_000_000))
                if not chunk:
                    break
                handle.write("\n".join(chunk))
                handle.write("\n")
    return path

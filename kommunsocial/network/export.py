"""Write graphs for Gephi and other tools: GEXF, GraphML, or an edge-list CSV, chosen by extension."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

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
    graph : networkx.Graph or DiGraph
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
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"expected a networkx graph, got {type(graph).__name__}")
    if graph.is_multigraph():
        raise TypeError("multigraphs are not supported: aggregate parallel edges into a weight first")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path.name}: unknown graph format {suffix or '(none)'!r}; use one of {FORMATS}")
    H = clean_attributes(graph)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if suffix == ".gexf":
            nx.write_gexf(H, tmp)
        elif suffix == ".graphml":
            nx.write_graphml(H, tmp)
        else:
            rows = [{"source": u, "target": v, **d} for u, v, d in H.edges(data=True)]
            keys = sorted({k for r in rows for k in r} - {"source", "target"})
            pd.DataFrame(rows, columns=["source", "target", *keys]).to_csv(tmp, index=False, lineterminator="\n")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


#: A graph with more edges than this is exported as node and edge tables (CSV, which Gephi's
#: spreadsheet import reads) instead of GEXF or GraphML: writing a country's million-edge reply
#: network as XML takes many minutes and gives a file Gephi can hardly open.
MAX_XML_EDGES = 250_000


def _export_tables(graph, folder: Path, stem: str) -> list[Path]:
    """``<stem>.nodes.csv`` (``Id``, ``Label`` and node attributes) and ``<stem>.edges.csv``."""
    H = clean_attributes(graph)
    nodes = pd.DataFrame([{"Id": n, **d} for n, d in H.nodes(data=True)])
    if "label" in nodes:
        nodes = nodes.rename(columns={"label": "Label"})
    edges = pd.DataFrame([{"Source": u, "Target": v, **d} for u, v, d in H.edges(data=True)])
    edges.insert(2, "Type", "Directed" if H.is_directed() else "Undirected")
    paths = []
    for frame, kind in ((nodes, "nodes"), (edges, "edges")):
        path = folder / f"{stem}.{kind}.csv"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        frame.to_csv(tmp, index=False, lineterminator="\n")
        os.replace(tmp, path)
        paths.append(path)
    return paths


def export_files(items: dict, folder) -> pd.DataFrame:
    """Export several graphs and tables into ``folder``: ``{file name: graph or DataFrame}``.

    Graphs are written by :func:`export`; DataFrames as CSV (index included). Graphs without edges
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
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            item.to_csv(tmp, lineterminator="\n")
            os.replace(tmp, path)
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

"""A graph held as arrays: its nodes and edges as columns, for networks too large for networkx.

A country's reply, commenter–post and co-commenting networks have hundreds of thousands of nodes
and millions of edges. As networkx graphs they take a gigabyte of memory each and many seconds to
build, although the report only counts their degrees, finds their communities and writes them out
as tables. :class:`GraphTables` holds the same graph as integer arrays (the ends of each edge are
positions in the node list) with one column per attribute; :meth:`GraphTables.to_networkx` gives the
networkx graph the ``*_graph`` functions return, and :meth:`GraphTables.from_networkx` takes any
networkx graph back to arrays, so that every measure has one implementation, on the arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from .._gc import gc_paused

__all__ = ["Column", "GraphTables"]


@dataclass(eq=False)
class Column:
    """One attribute of the nodes (or edges): a value per row, and where the attribute is set.

    ``values`` is a numpy array (int64, bool or object) or a pandas datetime array; ``present``
    (boolean, ``None``: every row) says which rows have the attribute at all, as a node of a
    two-mode graph has either a commenter's or a post's attributes.
    """

    values: object
    present: np.ndarray | None = None

    def python(self, rows=None) -> list:
        """The values as Python objects (int, bool, str, Timestamp, ...), as networkx holds them."""
        values = self.values if rows is None else self.values[rows]
        if isinstance(values, pd.api.extensions.ExtensionArray) and values.dtype.kind == "M":
            return list(np.asarray(values, dtype=object))
        return values.tolist() if isinstance(values, np.ndarray) else list(values)

    def mask(self, n: int) -> np.ndarray:
        return np.ones(n, dtype=bool) if self.present is None else np.asarray(self.present, dtype=bool)


@dataclass(eq=False)
class GraphTables:
    """A graph as arrays: node ids, node attributes, edges as pairs of node positions, edge attributes.

    Attributes
    ----------
    ids : object array of str
        The nodes, in order.
    nodes : dict of :class:`Column`
        Node attributes, in the order networkx would list them in a node's dict.
    source, target : int64 arrays
        Each edge's ends as positions in ``ids`` (for an undirected graph in the order networkx
        reports the edge), one row per edge in networkx's edge order.
    edges : dict of :class:`Column`
        Edge attributes.
    directed : bool
    graph : dict
        The graph's own attributes (``G.graph``).

    Like a networkx graph it answers ``number_of_nodes()``, ``number_of_edges()`` and
    ``is_directed()``; :meth:`to_networkx` builds the graph itself.
    """

    ids: np.ndarray
    nodes: dict
    source: np.ndarray
    target: np.ndarray
    edges: dict
    directed: bool
    graph: dict = field(default_factory=dict)

    def number_of_nodes(self) -> int:
        return len(self.ids)

    def number_of_edges(self) -> int:
        return len(self.source)

    def is_directed(self) -> bool:
        return self.directed

    def is_multigraph(self) -> bool:
        return False

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"<GraphTables: {kind}, {self.number_of_nodes():,} nodes, {self.number_of_edges():,} edges>"

    def node_records(self) -> list[dict]:
        """One attribute dict per node, with the attributes it has, in column order."""
        return _records(self.nodes, len(self.ids))

    def edge_records(self) -> list[dict]:
        return _records(self.edges, len(self.source))

    def to_networkx(self) -> nx.Graph:
        """The networkx graph, built through its public API: nodes and edges in the tables' order,
        the attributes as Python objects (one attribute dict per node and per edge)."""
        G = nx.DiGraph() if self.directed else nx.Graph()
        G.graph.update(self.graph)
        ids = self.ids.tolist()
        with gc_paused():  # a country's graph is millions of acyclic dicts: no collections while they are made
            G.add_nodes_from(zip(ids, self.node_records()))
            if len(self.source):
                G.add_edges_from(zip(self.ids[self.source].tolist(), self.ids[self.target].tolist(),
                                     self.edge_records()))
        return G

    @classmethod
    def from_networkx(cls, G, *, node_attributes=None, edge_attributes=None) -> "GraphTables":
        """The tables of a networkx graph: nodes and edges in its order (``G.nodes``, ``G.edges``).

        Parameters
        ----------
        G : networkx.Graph or DiGraph
        node_attributes, edge_attributes : list of str, optional
            Keep only these attributes (default: every attribute, in order of first appearance).
            Whole numbers become an int64 column, floats float64, booleans bool, anything else an
            object column; rows without the attribute are marked in ``present``.

        Examples
        --------
        >>> T = GraphTables.from_networkx(nx.DiGraph([("a", "p", {"weight": 2})]))
        >>> T, T.edges["weight"].values.tolist()
        (<GraphTables: directed, 2 nodes, 1 edges>, [2])
        """
        if not isinstance(G, nx.Graph):
            raise TypeError(f"expected a networkx graph, got {type(G).__name__}")
        if G.is_multigraph():
            raise TypeError("multigraphs are not supported: aggregate parallel edges into a weight first")
        nodes = list(G.nodes(data=True))
        ids = np.fromiter((v for v, _ in nodes), dtype=object, count=len(nodes))
        index = {v: i for i, (v, _) in enumerate(nodes)}
        edges = list(G.edges(data=True))
        source = np.fromiter((index[u] for u, _, _ in edges), dtype=np.int64, count=len(edges))
        target = np.fromiter((index[v] for _, v, _ in edges), dtype=np.int64, count=len(edges))
        return cls(ids, _columns([d for _, d in nodes], node_attributes), source, target,
                   _columns([d for *_, d in edges], edge_attributes), directed=G.is_directed(), graph=dict(G.graph))


def _columns(records: list[dict], names) -> dict:
    """Attribute dicts as :class:`Column` s (see :meth:`GraphTables.from_networkx`)."""
    if names is None:
        names = list(dict.fromkeys(key for record in records for key in record))
    columns = {}
    for name in names:
        present = np.fromiter((name in record for record in records), dtype=bool, count=len(records))
        if not present.any():
            continue
        values = [record.get(name) for record in records]
        given = [value for value, has in zip(values, present.tolist()) if has]
        kinds = {type(value) for value in given}
        if kinds <= {bool, np.bool_}:
            array = np.asarray([bool(value) for value in values], dtype=bool)
        elif all(issubclass(kind, (int, np.integer)) and not issubclass(kind, (bool, np.bool_)) for kind in kinds):
            array = np.asarray([0 if value is None else int(value) for value in values], dtype=np.int64)
        elif all(issubclass(kind, (int, float, np.integer, np.floating)) and not issubclass(kind, (bool, np.bool_))
                 for kind in kinds):
            array = np.asarray([np.nan if value is None else float(value) for value in values], dtype=np.float64)
        else:
            array = np.empty(len(values), dtype=object)
            array[:] = values
        columns[name] = Column(array, None if present.all() else present)
    return columns


def _records(columns: dict, n: int) -> list[dict]:
    if not columns:
        return [{} for _ in range(n)]
    if all(col.present is None for col in columns.values()):
        names = list(columns)
        return [dict(zip(names, row)) for row in zip(*_python_columns(columns))]
    records = [{} for _ in range(n)]
    for name, col in columns.items():
        rows = np.flatnonzero(col.mask(n))
        for i, value in zip(rows.tolist(), col.python(rows)):
            records[i][name] = value
    return records


def _python_columns(columns: dict) -> list[list]:
    """Each column's values as Python objects. A timestamp equal to the one an earlier time column
    holds in the same row is the same object (boxing timestamps is the costly part, and an edge of
    one comment has the same first and last time)."""
    out, times = [], []
    for col in columns.values():
        values = col.values
        if isinstance(values, pd.api.extensions.ExtensionArray) and values.dtype.kind == "M":
            ints = values.asi8
            for earlier, boxed in times:
                if earlier.dtype == values.dtype:
                    same = earlier.asi8 == ints
                    objects = boxed.copy()
                    objects[~same] = np.asarray(values[~same], dtype=object)
                    break
            else:
                objects = np.asarray(values, dtype=object)
            times.append((values, objects))
            out.append(list(objects))
        else:
            out.append(col.python())
    return out

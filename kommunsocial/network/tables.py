"""A graph held as arrays: its nodes and edges as columns, for networks too large for networkx.

A country's reply, commenter–post and co-commenting networks have hundreds of thousands of nodes
and millions of edges. As networkx graphs they take a gigabyte of memory each and many seconds to
build, although the report only counts their degrees, finds their communities and writes them out
as tables. :class:`GraphTables` holds the same graph as integer arrays (the ends of each edge are
positions in the node list) with one column per attribute; :meth:`GraphTables.to_networkx` gives the
networkx graph the ``*_graph`` functions return, equal down to the order of every adjacency dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

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
        """The networkx graph: nodes and edges in the tables' order, the attributes as Python objects."""
        from .._gc import gc_paused
        from .graphs import _add_edges, _add_nodes

        G = nx.DiGraph() if self.directed else nx.Graph()
        G.graph.update(self.graph)
        with gc_paused():
            _add_nodes(G, self.ids.tolist(), self.node_records())
            if len(self.source):
                _add_edges(G, (self.source, self.ids), (self.target, self.ids), self.edge_records(), check=False)
        return G


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

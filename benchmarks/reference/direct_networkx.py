"""The networkx builder the package used before ``GraphTables.to_networkx`` went through networkx's
public API: it wrote straight into the private dicts ``G._node``, ``G._adj`` and ``G._pred``.

Kept only so that ``benchmarks/bench_network.py`` can time the public builder against it; the
package never imports it (it depends on networkx internals that may change in any release).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from kommunsocial._gc import gc_paused
from kommunsocial.network._threads import runs

__all__ = ["to_networkx_direct"]


def to_networkx_direct(tables) -> nx.Graph:
    """``tables.to_networkx()`` as it was built before: the same graph, by writing networkx's dicts."""
    G = nx.DiGraph() if tables.directed else nx.Graph()
    G.graph.update(tables.graph)
    with gc_paused():
        _add_nodes(G, tables.ids.tolist(), tables.node_records())
        if len(tables.source):
            _add_edges(G, (tables.source, tables.ids), (tables.target, tables.ids), tables.edge_records(), check=False)
    return G


# Large graphs are written straight into networkx's dict-of-dicts (``G._node``, ``G._adj`` and, for a
# DiGraph, ``G._pred``; see "Subclasses" in the networkx documentation): add_nodes_from and
# add_edges_from spend several microseconds of Python per node and edge, which is most of the time
# at country scale. The result is the graph those calls would build, down to the order of every
# adjacency dict and one attribute dict shared by both ends of an edge. A subclass, or a graph that has
# edges already, goes through networkx's methods.
def _plain(G) -> bool:
    return type(G) in (nx.Graph, nx.DiGraph)


def _add_nodes(G, nodes: list, attributes: list[dict]) -> None:
    """``G.add_nodes_from(zip(nodes, attributes))`` for new, distinct nodes (``attributes`` fresh dicts)."""
    if not (_plain(G) and len(set(nodes)) == len(nodes) and G._node.keys().isdisjoint(nodes)):
        G.add_nodes_from(zip(nodes, attributes))
        return
    G._node.update(zip(nodes, attributes))
    for adjacency in (G._adj, G._pred) if G.is_directed() else (G._adj,):
        adjacency.update((node, {}) for node in nodes)
    getattr(nx, "_clear_cache", lambda G: None)(G)


def _fill(adjacency: dict, keys: np.ndarray, names: np.ndarray, neighbours: np.ndarray, data: np.ndarray) -> None:
    """``adjacency[names[k]][neighbours[i]] = data[i]`` for ``k = keys[i]``, the keys in runs."""
    start = runs(keys)
    end = np.r_[start[1:], len(keys)]
    neighbours, data = neighbours.tolist(), data.tolist()
    for name, lo, hi in zip(names[keys[start]].tolist(), start.tolist(), end.tolist()):
        adjacency[name].update(zip(neighbours[lo:hi], data[lo:hi]))


def _known(G, codes: np.ndarray, names: np.ndarray) -> bool:
    """Whether every node ``names[codes]`` is a node of ``G``."""
    used = np.zeros(len(names), dtype=bool)
    used[codes] = True
    return G._node.keys() >= set(names[used].tolist())


def _add_edges(G, source: tuple, target: tuple, attributes: list[dict], *, check: bool = True) -> None:
    """``G.add_edges_from(zip(sources, targets, attributes))`` for distinct pairs of nodes, to a graph
    without edges; ``source`` and ``target`` are ``(codes, vocabulary)`` with the nodes
    ``vocabulary[codes]`` (object arrays; the two vocabularies are the same array or share no node).
    ``check=False`` when the caller knows every end is a node of ``G`` already."""
    (u, u_names), (v, v_names) = source, target
    head, tail = u_names[u], v_names[v]
    data = np.empty(len(attributes), dtype=object)
    data[:] = attributes
    if not (_plain(G) and not any(G._adj.values())
            and (not check or (_known(G, u, u_names) and _known(G, v, v_names)))):
        G.add_edges_from(zip(head.tolist(), tail.tolist(), attributes))
        return
    if G.is_directed():  # each adjacency dict lists its edges in the order they were given
        order = np.argsort(u, kind="stable")
        _fill(G._succ, u[order], u_names, tail[order], data[order])
        order = np.argsort(v, kind="stable")
        _fill(G._pred, v[order], v_names, head[order], data[order])
    else:  # an undirected edge is in the adjacency dicts of both its ends, in the order given
        shared = u_names is v_names
        names = u_names if shared else np.concatenate([u_names, v_names])
        keys = np.concatenate([u, v if shared else v + len(u_names)]).astype(np.int64)
        edge = np.tile(np.arange(len(u)), 2)
        order = np.argsort(keys * len(u) + edge)  # by node, then edge
        _fill(G._adj, keys[order], names, np.concatenate([tail, head])[order], data[edge[order]])
    getattr(nx, "_clear_cache", lambda G: None)(G)

"""Graph measures: size, density, reciprocity, Freeman centralisation, top actors and communities.

Every measure has one implementation, on :class:`~kommunsocial.network.tables.GraphTables` (arrays,
which scale to a country); a networkx graph is converted to arrays first
(:meth:`~kommunsocial.network.tables.GraphTables.from_networkx`). :func:`page_measures` measures
every page's reply graph at once as one graph made of the pages' graphs side by side.
"""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from ._threads import check_dataset, positions
from .graphs import replies
from .tables import Column, GraphTables

__all__ = ["graph_measures", "page_measures", "degree_centralisation", "degrees", "top_actors", "communities",
           "community_table"]

#: Above this many nodes betweenness is estimated from a seeded sample of source nodes.
BETWEENNESS_EXACT_MAX = 1000
#: Source nodes sampled for approximate betweenness (Brandes & Pich 2007) in larger graphs.
BETWEENNESS_SAMPLES = 300
#: Above this many nodes :func:`communities` switches from Louvain (networkx) to Leiden (igraph).
LEIDEN_ABOVE = 20000
#: The columns of :func:`graph_measures`, in order.
MEASURES = ["nodes", "edges", "total_weight", "density", "reciprocity", "components", "largest_component_share",
            "degree_centralisation", "mean_degree"]


def _tables(G, nodes=("role",), edges=("weight",)) -> GraphTables:
    """``G`` as arrays: a GraphTables as it is, a networkx graph with only the attributes named."""
    if isinstance(G, GraphTables):
        return G
    if isinstance(G, nx.Graph):
        return GraphTables.from_networkx(G, node_attributes=list(nodes), edge_attributes=list(edges))
    raise TypeError(f"expected a networkx graph or GraphTables, got {type(G).__name__}")


def _weights(T: GraphTables) -> np.ndarray:
    """Each edge's ``weight`` as a float, 1 where an edge has none."""
    col = T.edges.get("weight")
    if col is None:
        return np.ones(T.number_of_edges())
    values = np.asarray(col.values, dtype=np.float64) if np.asarray(col.values).dtype != object else \
        np.asarray([1.0 if w is None else float(w) for w in col.values.tolist()])
    return np.where(col.mask(T.number_of_edges()), values, 1.0)


def degrees(G, *, weight: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """In- and out-degree of each node, in node order (an undirected graph: its degree twice).

    A degree counts edges, as networkx's ``in_degree``, ``out_degree`` and ``degree`` do: distinct
    neighbours in a graph without parallel edges, a self-loop twice in an undirected graph; with
    ``weight=True`` the sum of the edges' ``weight`` (1 for an edge without one).

    Examples
    --------
    >>> [d.tolist() for d in degrees(nx.DiGraph([("a", "p"), ("b", "p"), ("p", "a")]))]  # nodes a, p, b
    [[1, 2, 0], [1, 1, 1]]
    """
    T = _tables(G, nodes=())
    n = T.number_of_nodes()
    w = _weights(T) if weight else None
    into = np.bincount(T.target, weights=w, minlength=n)
    out = np.bincount(T.source, weights=w, minlength=n)
    if not weight:
        into, out = into.astype(np.int64), out.astype(np.int64)
    if not T.directed:
        into = out = into + out
    return into, out


def _measures(T: GraphTables, group: np.ndarray, n_groups: int) -> dict:
    """The measures of :func:`graph_measures` of each group of nodes of ``T`` (``group``: each
    node's group; no edge joins two groups), as arrays."""
    n_nodes, directed = T.number_of_nodes(), T.directed
    u, v, weight = T.source, T.target, _weights(T)
    edge_group = group[u]
    n = np.bincount(group, minlength=n_groups)
    m = np.bincount(edge_group, minlength=n_groups)
    total = np.bincount(edge_group, weights=weight, minlength=n_groups).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.where(n > 1, m * (1 if directed else 2) / (n * (n - 1.0)), np.nan)
        mean_degree = np.where(n > 0, 2.0 * m / n, np.nan)
    key = u * np.int64(max(n_nodes, 1)) + v
    if directed:  # an edge answered by an edge back (a self-loop answers nothing)
        mutual = np.isin(v * np.int64(max(n_nodes, 1)) + u, key) & (u != v)
        overlap = np.bincount(edge_group[mutual], minlength=n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            reciprocity = np.where(m > 0, overlap / np.maximum(m, 1), np.nan)
    else:
        reciprocity = np.full(n_groups, np.nan)
    adjacency = sparse.csr_matrix((np.ones(len(u), dtype=np.int8), (u, v)), shape=(n_nodes, n_nodes))
    _, component = csgraph.connected_components(adjacency, directed=True, connection="weak")
    first = np.unique(component, return_index=True)[1]  # a node of each component
    components = np.bincount(group[first], minlength=n_groups)
    largest = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(largest, group[first], np.bincount(component)[component[first]])
    # Freeman: distinct neighbours, self-loops and weights ignored; in-degree for a directed graph
    ends = np.unique(key[u != v]) if directed else \
        np.unique(np.minimum(u, v)[u != v] * np.int64(max(n_nodes, 1)) + np.maximum(u, v)[u != v])
    a, b = np.divmod(ends, max(n_nodes, 1))
    d = np.bincount(b, minlength=n_nodes) if directed else np.bincount(np.r_[a, b], minlength=n_nodes)
    most = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(most, group, d)
    spread = n * most - np.bincount(group, weights=d, minlength=n_groups)
    bound = (n - 1.0) ** 2 if directed else (n - 1.0) * (n - 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        centralisation = np.where((n > 0) & (bound > 0), spread / bound, np.nan)
        largest_share = np.where(n > 0, largest / n, np.nan)
    return {"nodes": n, "edges": m, "total_weight": total, "density": density, "reciprocity": reciprocity,
            "components": components, "largest_component_share": largest_share,
            "degree_centralisation": centralisation, "mean_degree": mean_degree, "in_degree": d}


def degree_centralisation(G) -> float:
    """Freeman's degree centralisation of ``G`` (in-degree for a directed graph), between 0 and 1.

    Notes
    -----
    ``C = sum_v (d_max - d(v)) / D`` over all nodes, where ``d(v)`` counts distinct neighbours
    (weights and self-loops ignored) and ``D`` is the largest value the sum can take for ``n``
    nodes, reached by a star: ``(n - 1)(n - 2)`` for an undirected graph and ``(n - 1)**2`` for the
    in-degree of a directed graph (every other node points at the centre). Freeman (1979),
    *Social Networks* 1:215–239; Wasserman & Faust (1994, §5.2.1). ``NaN`` when ``D`` is 0.

    Examples
    --------
    >>> degree_centralisation(nx.star_graph(4)), degree_centralisation(nx.cycle_graph(5))
    (1.0, 0.0)
    >>> degree_centralisation(nx.DiGraph([(1, 0), (2, 0), (3, 0)]))
    1.0
    """
    return float(graph_measures(G)["degree_centralisation"])


def graph_measures(G) -> pd.Series:
    """Size and shape of a graph, as one row.

    Parameters
    ----------
    G : networkx.Graph or DiGraph, or GraphTables

    Returns
    -------
    Series: ``nodes``, ``edges``, ``total_weight`` (sum of edge ``weight``; 1 per edge without one),
    ``density`` (edges / possible edges: n(n−1) directed, n(n−1)/2 undirected), ``reciprocity``
    (directed only: share of edges whose reverse edge exists, networkx ``overall_reciprocity``),
    ``components`` (weakly connected for a directed graph), ``largest_component_share`` (of nodes),
    ``degree_centralisation`` (:func:`degree_centralisation`), ``mean_degree`` (edge ends per node,
    2 · edges / nodes: in + out for a directed graph). Undefined values are ``NaN``.

    Examples
    --------
    >>> m = graph_measures(nx.DiGraph([("a", "p"), ("b", "p"), ("p", "a")]))
    >>> m[["nodes", "edges", "density", "reciprocity", "degree_centralisation"]].round(3).tolist()
    [3.0, 3.0, 0.5, 0.667, 0.75]
    """
    T = _tables(G, nodes=())
    values = _measures(T, np.zeros(T.number_of_nodes(), dtype=np.int64), 1)
    return pd.Series({name: float(values[name][0]) for name in MEASURES}, dtype="float64")


def page_measures(dataset) -> pd.DataFrame:
    """:func:`graph_measures` of each page's reply graph (:func:`~kommunsocial.network.reply_graph` of
    that page alone), one row per page, plus the page's in-degree (distinct repliers) and the share
    of edges that point at the page.

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> page_measures(example_dataset())[["nodes", "edges", "page_in_degree", "edges_to_page_share"]].to_dict("index")
    {'P': {'nodes': 3, 'edges': 4, 'page_in_degree': 2, 'edges_to_page_share': 0.5}}
    """
    ds = check_dataset(dataset)
    pages = ds.pages.drop_duplicates("page_id")
    pages = pages[pages["page_id"].notna()]
    if not len(pages):
        out = pd.DataFrame.from_dict({}, orient="index")
        out.index.name = "page_id"
        return out
    # the pages' reply graphs side by side: a node is a (page, author) pair, an edge a distinct
    # (page, source, target); a reply counts for a page when the comment and its parent are under
    # the page's posts, as in the reply graph of the page alone
    r = replies(ds)
    order = np.argsort(r.page, kind="stable")  # the pages in sorted order
    page = r.page[order]
    n_ids = max(len(r.ids), 1)
    group_of = np.full(n_ids + 1, -1, dtype=np.int64)  # the last slot answers code -1
    group_of[page] = np.arange(len(page))
    group = group_of[r.page_of]
    same_page = r.top | (group[np.maximum(r.parent, 0)] == group)
    edge = r.edge & (group >= 0) & same_page
    author = (r.node >= 0) & (group >= 0)
    base = np.arange(len(page), dtype=np.int64) * n_ids
    local = np.unique(np.concatenate([base + page, group[author] * n_ids + r.node[author],
                                      group[edge] * n_ids + r.target[edge]]))
    u = np.searchsorted(local, group[edge] * n_ids + r.node[edge])
    v = np.searchsorted(local, group[edge] * n_ids + r.target[edge])
    pairs, weight = np.unique(u * np.int64(len(local)) + v, return_counts=True)
    u, v = np.divmod(pairs, len(local))
    T = GraphTables(local, {}, u, v, {"weight": Column(weight.astype(np.int64))}, directed=True)
    values = _measures(T, local // n_ids, len(page))
    page_in_degree = values.pop("in_degree")[np.searchsorted(local, base + page)]
    out = pd.DataFrame(values, index=pd.Index(r.ids[page].tolist(), name="page_id"))
    out["page_in_degree"] = page_in_degree
    with np.errstate(divide="ignore", invalid="ignore"):
        out["edges_to_page_share"] = np.where(out["edges"] > 0, page_in_degree / np.maximum(out["edges"], 1), np.nan)
    for col in ("nodes", "edges", "components", "page_in_degree"):
        out[col] = out[col].astype("int64")
    names = pages.set_index("page_id")["page_name"]
    out.insert(0, "page_name", names.reindex(out.index).astype("string").to_numpy())
    return out


def _betweenness(G, k, seed):
    n = G.number_of_nodes()
    if k is None and n > BETWEENNESS_EXACT_MAX:
        k = BETWEENNESS_SAMPLES
    if k is not None and k >= n:
        k = None
    # kept with the graph until it changes (networkx empties this cache on every change to the
    # nodes or edges), so that tables of the same graph ranked by different measures compute it once;
    # an integer seed gives the same sample every time
    cache = getattr(G, "__networkx_cache__", None)
    key = ("kommunsocial.betweenness", k, seed)
    if cache is not None and isinstance(seed, int) and key in cache:
        return dict(cache[key])
    between = nx.betweenness_centrality(G, k=k, seed=seed, normalized=True)
    if cache is not None and isinstance(seed, int) and nx.config.cache_converted_graphs:
        cache[key] = dict(between)
    return between


def top_actors(G, n: int = 10, *, by: str = "in_degree", include_pages: bool = False,
               betweenness_k: int | None = None, seed: int = 0) -> pd.DataFrame:
    """The ``n`` most central actors of a reply (or any) graph, identified by pseudonym only.

    Parameters
    ----------
    G : networkx.Graph or DiGraph, or GraphTables
    n : int
    by : "in_degree", "weighted_in_degree" or "betweenness"
    include_pages : bool
        Keep nodes with ``role="page"`` (default: citizens only; the page is reported by
        :func:`page_measures`).
    betweenness_k, seed : int
        Betweenness from ``k`` seeded source samples (Brandes & Pich 2007); by default exact up
        to :data:`BETWEENNESS_EXACT_MAX` nodes, :data:`BETWEENNESS_SAMPLES` sources above.

    Returns
    -------
    DataFrame indexed by ``actor`` (the node id): ``role``, ``in_degree`` (distinct actors replying
    to it), ``weighted_in_degree`` (replies received), ``out_degree`` (:func:`degrees`),
    ``betweenness`` (Brandes 2001, networkx; normalised by (n−1)(n−2) for a directed graph,
    (n−1)(n−2)/2 undirected); ties broken by node id.

    Examples
    --------
    >>> G = nx.DiGraph([("b", "a"), ("c", "a"), ("a", "p"), ("c", "p")])
    >>> top_actors(G, 2)["in_degree"].to_dict()
    {'a': 2, 'p': 2}
    """
    if by not in ("in_degree", "weighted_in_degree", "betweenness"):
        raise ValueError(f"by must be 'in_degree', 'weighted_in_degree' or 'betweenness', got {by!r}")
    T = _tables(G)
    n_nodes = T.number_of_nodes()
    role = np.full(n_nodes, "", dtype=object)
    if "role" in T.nodes:
        has = T.nodes["role"].mask(n_nodes)
        role[has] = np.asarray(T.nodes["role"].python(np.flatnonzero(has)), dtype=object)
    keep = np.flatnonzero(np.ones(n_nodes, dtype=bool) if include_pages else role != "page")
    cols = ["role", "in_degree", "weighted_in_degree", "out_degree", "betweenness"]
    if not len(keep):
        return pd.DataFrame(columns=cols, index=pd.Index([], name="actor"))
    in_degree, out_degree = degrees(T)
    weighted = degrees(T, weight=True)[0]
    if _integral(T):
        weighted = weighted.astype(np.int64)
    between = _betweenness(G if isinstance(G, nx.Graph) else T.to_networkx(), betweenness_k, seed)
    ids = T.ids[keep].tolist()
    frame = pd.DataFrame({
        "actor": [str(v) for v in ids],
        "role": role[keep].tolist(),
        "in_degree": in_degree[keep],
        "weighted_in_degree": weighted[keep],
        "out_degree": out_degree[keep],
        "betweenness": [between[v] for v in ids],
    })
    frame = frame.sort_values([by, "actor"], ascending=[False, True], kind="mergesort").head(n)
    return frame.set_index("actor")[cols]


def _integral(T: GraphTables) -> bool:
    """Whether every edge weight is a whole number (an edge without one weighs 1)."""
    col = T.edges.get("weight")
    return col is None or np.asarray(col.values).dtype.kind in "iub"


def _undirected(T: GraphTables):
    """``T`` as an undirected graph without self-loops, the weights of u→v and v→u (and of parallel
    edges) summed: its edges as ends (positions, the smaller first) and weights, in the order
    networkx lists the edges of that graph built edge by edge from ``T``'s networkx graph."""
    u, v, w = T.source, T.target, _weights(T)
    n = np.int64(max(T.number_of_nodes(), 1))
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    # networkx lists a directed graph's edges by source, an undirected graph's by the end that comes
    # first in the node order; each node's edges in the order they were added
    order = np.lexsort((np.arange(len(u)), u if T.directed else lo))
    order = order[lo[order] != hi[order]]
    pairs, first, inverse = np.unique(lo[order] * n + hi[order], return_index=True, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=w[order], minlength=len(pairs))
    if _integral(T):
        weight = weight.astype(np.int64)
    a, b = np.divmod(pairs, n)
    order = np.lexsort((first, a))  # by the first end, then by when the pair first came
    return a[order], b[order], weight[order]


def communities(G, *, seed: int = 0, method: str = "auto", resolution: float = 1.0) -> pd.Series:
    """Communities by modularity maximisation, one label per node (0 = the largest community).

    Parameters
    ----------
    G : networkx.Graph or DiGraph, or GraphTables
        A directed graph is made undirected first, summing the weights of both directions.
    seed : int
        Seeds the algorithm: the same graph and seed give the same partition.
    method : "auto", "louvain" or "leiden"
        ``auto`` uses Louvain (networkx) up to :data:`LEIDEN_ABOVE` nodes and Leiden (python-igraph)
        above, which is much faster and guarantees connected communities.
    resolution : float
        Modularity resolution γ (higher gives more, smaller communities).

    Returns
    -------
    Series indexed by node, named ``community``; ``attrs`` holds ``modularity`` (weighted,
    Newman 2004) and ``method``. Communities are numbered by size, ties by their smallest node id.

    Notes
    -----
    Louvain: Blondel et al. (2008), *J. Stat. Mech.* P10008; Leiden: Traag, Waltman & van Eck
    (2019), *Scientific Reports* 9:5233. Isolated nodes are singleton communities.

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> communities(G).to_dict()
    {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    """
    if method not in ("auto", "louvain", "leiden"):
        raise ValueError(f"method must be 'auto', 'louvain' or 'leiden', got {method!r}")
    T = _tables(G, nodes=())
    n = T.number_of_nodes()
    if n == 0:
        out = pd.Series([], dtype="int64", name="community", index=pd.Index([], name="node"))
        out.attrs.update(modularity=float("nan"), method="none")
        return out
    if method == "auto":
        method = "leiden" if n > LEIDEN_ABOVE else "louvain"
    u, v, w = _undirected(T)
    if method == "louvain":
        H = nx.Graph()
        H.add_nodes_from(T.ids.tolist())
        H.add_weighted_edges_from(zip(T.ids[u].tolist(), T.ids[v].tolist(), w.tolist()))
        membership = np.empty(n, dtype=np.int64)
        for i, part in enumerate(nx.community.louvain_communities(H, weight="weight", resolution=resolution,
                                                                  seed=seed)):
            membership[positions(T.ids, pd.Series(list(part), dtype=object))] = i
    else:
        membership = np.asarray(_leiden_membership(n, list(zip(u.tolist(), v.tolist())), w.astype(float).tolist(),
                                                   seed=seed, resolution=resolution), dtype=np.int64)
    # communities by size, ties by their smallest node id (as text)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(np.asarray([str(x) for x in T.ids.tolist()], dtype=object), kind="stable")] = np.arange(n)
    n_parts = int(membership.max()) + 1
    sizes = np.bincount(membership, minlength=n_parts)
    smallest = np.full(n_parts, n, dtype=np.int64)
    np.minimum.at(smallest, membership, rank)
    label = np.empty(n_parts, dtype=np.int64)
    label[np.lexsort((smallest, -sizes))] = np.arange(n_parts)
    labels = label[membership]
    out = pd.Series(labels, index=pd.Index(T.ids.tolist(), name="node"), name="community", dtype="int64")
    out.attrs.update(modularity=_modularity(n, u, v, w, labels, resolution), method=method)
    return out


def _modularity(n: int, u, v, w, labels, resolution) -> float:
    """Newman's weighted modularity of the partition ``labels`` (as networkx computes it:
    ``Σ_c L_c / m − γ (k_c / 2m)²``), ``NaN`` for a graph without edges."""
    if not len(u):
        return float("nan")
    strength = np.bincount(u, weights=w, minlength=n) + np.bincount(v, weights=w, minlength=n)
    deg_sum = float(strength.sum())
    same = labels[u] == labels[v]
    inside = np.bincount(labels[u][same], weights=w[same], minlength=int(labels.max()) + 1)
    total = np.bincount(labels, weights=strength, minlength=int(labels.max()) + 1)
    m, norm = deg_sum / 2, 1 / deg_sum**2
    return float(sum(L_c / m - resolution * k * k * norm for L_c, k in zip(inside.tolist(), total.tolist())))


def _leiden_membership(n: int, edges: list, weights: list, *, seed, resolution) -> list:
    """Leiden (python-igraph) on nodes ``0..n-1``: each node's community."""
    import igraph as ig

    g = ig.Graph(n=n, edges=edges)
    g.es["weight"] = weights
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = g.community_leiden(objective_function="modularity", weights="weight", resolution=resolution,
                                  n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    return part.membership


def community_table(G, labels: pd.Series, *, n_members: int = 3) -> pd.DataFrame:
    """One row per community: its size, its share of nodes, the weight of ties inside it, and its most
    connected members (pseudonyms) and most common ``main_page`` when nodes have one.

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> community_table(G, communities(G))["size"].tolist()
    [3, 3]
    """
    if labels.empty:
        return pd.DataFrame(columns=["size", "share", "internal_weight", "members", "main_page"])
    T = _tables(G, nodes=("main_page",))
    u, v, w = _undirected(T)
    n = T.number_of_nodes()
    # each node's weighted degree, and the weight of the edges whose ends are in one community
    strength = np.bincount(u, weights=w, minlength=n) + np.bincount(v, weights=w, minlength=n)
    inside = pd.Series(dtype=float)
    if len(u):
        label_of = labels.reindex(pd.Index(T.ids.tolist(), dtype=object)).to_numpy()
        lu, lv = label_of[u], label_of[v]
        same = pd.notna(lu) & (lu == lv)
        inside = pd.Series(w[same].astype(float)).groupby(lu[same]).sum()
    at = positions(T.ids, labels.index)  # -1: a labelled node that is not in the graph
    page = np.full(len(at), None, dtype=object)
    if "main_page" in T.nodes:
        has = (at >= 0) & T.nodes["main_page"].mask(n)[np.maximum(at, 0)]
        page[has] = np.asarray(T.nodes["main_page"].python(at[has]), dtype=object)
    nodes = pd.DataFrame({"label": labels.to_numpy(), "node": labels.index,
                          "strength": np.where(at >= 0, -strength[np.maximum(at, 0)], 0),
                          "name": [str(v) for v in labels.index],
                          "page": page})
    top = (nodes.sort_values(["label", "strength", "name"], kind="mergesort").groupby("label", sort=True)
           .head(n_members).groupby("label", sort=True)["name"].agg(", ".join))
    pages = nodes.dropna(subset=["page"]).astype({"page": str})
    counts = pages.groupby(["label", "page"], sort=True).size().reset_index(name="n")
    main = (counts.sort_values(["label", "n", "page"], ascending=[True, False, True], kind="mergesort")
            .drop_duplicates("label").set_index("label")["page"])
    size = nodes.groupby("label", sort=True).size()
    out = pd.DataFrame({"size": size, "share": size / len(labels),
                        "internal_weight": inside.reindex(size.index, fill_value=0.0).astype(float),
                        "members": top.reindex(size.index),
                        "main_page": main.reindex(size.index).astype(object).where(main.reindex(size.index).notna(), None)})
    out.index = out.index.astype(int)
    out.index.name = "community"
    return out

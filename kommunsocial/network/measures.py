"""Graph measures: size, density, reciprocity, Freeman centralisation, top actors and communities."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd

from scipy import sparse
from scipy.sparse import csgraph

from ._threads import check_dataset, links, positions, sorted_codes
from .tables import GraphTables

__all__ = ["graph_measures", "page_measures", "degree_centralisation", "top_actors", "communities",
           "community_table"]

#: Above this many nodes betweenness is estimated from a seeded sample of source nodes.
BETWEENNESS_EXACT_MAX = 1000
#: Source nodes sampled for approximate betweenness (Brandes & Pich 2007) in larger graphs.
BETWEENNESS_SAMPLES = 300
#: Above this many nodes :func:`communities` switches from Louvain (networkx) to Leiden (igraph).
LEIDEN_ABOVE = 20000


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
    H = nx.DiGraph(G) if G.is_directed() else nx.Graph(G)
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    n = H.number_of_nodes()
    degrees = np.array([d for _, d in (H.in_degree() if H.is_directed() else H.degree())], dtype=float)
    bound = (n - 1) ** 2 if H.is_directed() else (n - 1) * (n - 2)
    if n == 0 or bound <= 0:
        return float("nan")
    return float((degrees.max() - degrees).sum() / bound)


def graph_measures(G) -> pd.Series:
    """Size and shape of a graph, as one row.

    Returns
    -------
    Series: ``nodes``, ``edges``, ``total_weight`` (sum of edge ``weight``; 1 per edge without one),
    ``density`` (edges / possible edges: n(n−1) directed, n(n−1)/2 undirected), ``reciprocity``
    (directed only: share of edges whose reverse edge exists, networkx ``overall_reciprocity``),
    ``components`` (weakly connected for a directed graph), ``largest_component_share`` (of nodes),
    ``degree_centralisation`` (:func:`degree_centralisation`), ``mean_degree`` (distinct neighbours,
    in + out for a directed graph). Undefined values are ``NaN``.

    Examples
    --------
    >>> m = graph_measures(nx.DiGraph([("a", "p"), ("b", "p"), ("p", "a")]))
    >>> m[["nodes", "edges", "density", "reciprocity", "degree_centralisation"]].round(3).tolist()
    [3.0, 3.0, 0.5, 0.667, 0.75]
    """
    n, m = G.number_of_nodes(), G.number_of_edges()
    weight = sum(float(w) for _, _, w in G.edges(data="weight", default=1))
    directed = G.is_directed()
    if n:
        comps = list(nx.weakly_connected_components(G) if directed else nx.connected_components(G))
        largest = max(len(c) for c in comps) / n
    else:
        comps, largest = [], float("nan")
    return pd.Series({
        "nodes": n,
        "edges": m,
        "total_weight": weight,
        "density": nx.density(G) if n > 1 else float("nan"),
        "reciprocity": nx.overall_reciprocity(G) if directed and m else float("nan"),
        "components": len(comps),
        "largest_component_share": largest,
        "degree_centralisation": degree_centralisation(G),
        "mean_degree": (sum(d for _, d in G.degree()) / n) if n else float("nan"),
    }, dtype="float64")


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
    # every page's reply graph at once, from the codes reply_tables works with: a node of a page's
    # graph is a (page, node) pair, an edge a distinct (page, source, target)
    rows = links(ds)
    c = ds.comments
    (author, post_page, page), ids = sorted_codes(c["author_id"], ds.posts["page_id"],
                                                  pd.Series(pages["page_id"].to_numpy(), dtype=ds.posts["page_id"].dtype))
    order = np.argsort(page, kind="stable")  # the pages in sorted order, as a sorted groupby has them
    page = page[order]
    n_ids = max(len(ids), 1)
    group_of = np.full(n_ids + 1, -1, dtype=np.int64)  # the last slot answers code -1
    group_of[page] = np.arange(len(page))
    page_of = np.append(post_page, -1)[rows.post]
    node = np.where(rows.is_page, page_of, author)
    parent = np.where(rows.parent >= 0, node[np.maximum(rows.parent, 0)], -1)
    group = group_of[page_of]
    top = rows.top
    target = np.where(top, page_of, parent)
    missing_parent = ~top & (rows.parent < 0)
    edge = (node >= 0) & ~missing_parent & (target >= 0) & (node != target) & (group >= 0)
    author_of = (node >= 0) & (group >= 0)
    base = np.arange(len(page), dtype=np.int64) * n_ids
    local = np.unique(np.concatenate([base + page, group[author_of] * n_ids + node[author_of],
                                      group[edge] * n_ids + node[edge], group[edge] * n_ids + target[edge]]))
    n_local = len(local)
    node_group = local // n_ids
    u = np.searchsorted(local, group[edge] * n_ids + node[edge])
    v = np.searchsorted(local, group[edge] * n_ids + target[edge])
    pairs = np.unique(u * np.int64(n_local) + v)
    u, v = np.divmod(pairs, n_local)
    edge_group = node_group[u]
    size = len(page)
    n = np.bincount(node_group, minlength=size)
    m = np.bincount(edge_group, minlength=size)
    weight = np.bincount(group[edge], minlength=size)
    mutual = np.isin(v * np.int64(n_local) + u, pairs)  # the edges answered by an edge back
    overlap = np.bincount(edge_group[mutual], minlength=size)
    graph = sparse.csr_matrix((np.ones(len(u), dtype=np.int8), (u, v)), shape=(n_local, n_local))
    _, component = csgraph.connected_components(graph, directed=True, connection="weak")
    first = np.unique(component, return_index=True)[1]  # a component lies within one page's graph
    components = np.bincount(node_group[first], minlength=size)
    largest = np.zeros(size, dtype=np.int64)
    np.maximum.at(largest, node_group[first], np.bincount(component)[component[first]])
    in_degree = np.bincount(v, minlength=n_local)
    most = np.zeros(size, dtype=np.int64)
    np.maximum.at(most, node_group, in_degree)
    page_in_degree = in_degree[np.searchsorted(local, base + page)]
    out = pd.DataFrame({
        "nodes": n,
        "edges": m,
        "total_weight": weight.astype(np.float64),
        "density": [m_ / (n_ * (n_ - 1)) if m_ else 0.0 for n_, m_ in zip(n.tolist(), m.tolist())],
        "reciprocity": [o / m_ if m_ else np.nan for o, m_ in zip(overlap.tolist(), m.tolist())],
        "components": components,
        "largest_component_share": largest / n,
        "degree_centralisation": [(n_ * d - m_) / (n_ - 1) ** 2 if n_ > 1 else np.nan
                                  for n_, m_, d in zip(n.tolist(), m.tolist(), most.tolist())],
        "mean_degree": [2 * m_ / n_ for n_, m_ in zip(n.tolist(), m.tolist())],
        "page_in_degree": page_in_degree,
        "edges_to_page_share": [d / m_ if m_ else np.nan for d, m_ in zip(page_in_degree.tolist(), m.tolist())],
    }, index=pd.Index(ids[page].tolist(), name="page_id"))
    out.loc[n <= 1, "density"] = np.nan
    for col in ("nodes", "edges", "components", "page_in_degree"):
        out[col] = out[col].astype("int64")
    for col in ("total_weight", "density", "reciprocity", "largest_component_share", "degree_centralisation",
                "mean_degree", "edges_to_page_share"):
        out[col] = out[col].astype("float64")
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
    G : networkx.Graph or DiGraph
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
    to it), ``weighted_in_degree`` (replies received), ``out_degree``, ``betweenness`` (Brandes
    2001, normalised by (n−1)(n−2) for a directed graph, (n−1)(n−2)/2 undirected); ties broken by
    node id.

    Examples
    --------
    >>> G = nx.DiGraph([("b", "a"), ("c", "a"), ("a", "p"), ("c", "p")])
    >>> top_actors(G, 2)["in_degree"].to_dict()
    {'a': 2, 'p': 2}
    """
    if by not in ("in_degree", "weighted_in_degree", "betweenness"):
        raise ValueError(f"by must be 'in_degree', 'weighted_in_degree' or 'betweenness', got {by!r}")
    directed = G.is_directed()
    nodes = [v for v, r in G.nodes(data="role") if include_pages or r != "page"]
    cols = ["role", "in_degree", "weighted_in_degree", "out_degree", "betweenness"]
    if not nodes:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="actor"))
    between = _betweenness(G, betweenness_k, seed)
    ind = G.in_degree if directed else G.degree
    outd = G.out_degree if directed else G.degree
    frame = pd.DataFrame({
        "actor": [str(v) for v in nodes],
        "role": [G.nodes[v].get("role", "") for v in nodes],
        "in_degree": [ind(v) for v in nodes],
        "weighted_in_degree": [ind(v, weight="weight") for v in nodes],
        "out_degree": [outd(v) for v in nodes],
        "betweenness": [between[v] for v in nodes],
    })
    frame = frame.sort_values([by, "actor"], ascending=[False, True], kind="mergesort").head(n)
    return frame.set_index("actor")[cols]


def _undirected(G) -> nx.Graph:
    """G as an undirected graph, summing the weights of u→v and v→u; self-loops dropped."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    for u, v, w in G.edges(data="weight", default=1):
        if u == v:
            continue
        if H.has_edge(u, v):
            H[u][v]["weight"] += w
        else:
            H.add_edge(u, v, weight=w)
    return H


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
    if isinstance(G, GraphTables):
        n = G.number_of_nodes()
        if _simple(G) and n and (method == "leiden" or (method == "auto" and n > LEIDEN_ABOVE)):
            return _communities_of_tables(G, seed=seed, resolution=resolution)
        G = G.to_networkx()
    H = _undirected(G)
    if H.number_of_nodes() == 0:
        out = pd.Series([], dtype="int64", name="community", index=pd.Index([], name="node"))
        out.attrs.update(modularity=float("nan"), method="none")
        return out
    if method == "auto":
        method = "leiden" if H.number_of_nodes() > LEIDEN_ABOVE else "louvain"
    if method == "louvain":
        parts = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    else:
        parts = _leiden(H, seed=seed, resolution=resolution)
    parts = sorted((sorted(p, key=str) for p in parts), key=lambda p: (-len(p), str(p[0])))
    labels = {v: i for i, p in enumerate(parts) for v in p}
    out = pd.Series([labels[v] for v in H.nodes], index=pd.Index(list(H.nodes), name="node"), name="community",
                    dtype="int64")
    modularity = nx.community.modularity(H, parts, weight="weight", resolution=resolution) if H.number_of_edges() \
        else float("nan")
    out.attrs.update(modularity=float(modularity), method=method)
    return out


def _simple(G: GraphTables) -> bool:
    """Whether the undirected graph ``G`` holds each pair of nodes once, without self-loops, and
    whole-number weights: then its communities are found from the arrays (the networkx route gives
    the same, edge for edge and sum for sum)."""
    if G.directed:
        return False
    weight = G.edges.get("weight")
    if weight is not None and not (weight.present is None and isinstance(weight.values, np.ndarray)
                                   and weight.values.dtype.kind in "iu"):
        return False
    u, v = np.minimum(G.source, G.target), np.maximum(G.source, G.target)
    if not (u != v).all():
        return False
    key = u * np.int64(max(G.number_of_nodes(), 1)) + v
    return bool((np.diff(key) > 0).all()) or len(np.unique(key)) == len(key)  # sorted pairs need no sort


def _undirected_arrays(G: GraphTables):
    """The edges of ``_undirected(G.to_networkx())`` for a :func:`_simple` graph, in its edge order:
    ends (positions), and weights (int64)."""
    u, v = np.minimum(G.source, G.target), np.maximum(G.source, G.target)
    order = np.lexsort((np.arange(len(u)), u))  # as networkx reports an undirected graph's edges
    weight = G.edges["weight"].values.astype(np.int64) if "weight" in G.edges else np.ones(len(u), dtype=np.int64)
    return u[order], v[order], weight[order]


def _communities_of_tables(G: GraphTables, *, seed, resolution) -> pd.Series:
    """:func:`communities` by Leiden of a :func:`_simple` graph held as arrays."""
    u, v, w = _undirected_arrays(G)
    n = G.number_of_nodes()
    membership = np.asarray(_leiden_membership(n, list(zip(u.tolist(), v.tolist())), w.astype(np.float64).tolist(),
                                                seed=seed, resolution=resolution), dtype=np.int64)
    # communities by size, ties by their smallest node id (as text)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(np.asarray([str(x) for x in G.ids.tolist()], dtype=object), kind="stable")] = np.arange(n)
    n_parts = int(membership.max()) + 1
    sizes = np.bincount(membership, minlength=n_parts)
    smallest = np.full(n_parts, n, dtype=np.int64)
    np.minimum.at(smallest, membership, rank)
    order = np.lexsort((smallest, -sizes))
    label = np.empty(n_parts, dtype=np.int64)
    label[order] = np.arange(n_parts)
    labels = label[membership]
    out = pd.Series(labels, index=pd.Index(G.ids.tolist(), name="node"), name="community", dtype="int64")
    if len(u):
        # modularity as networkx computes it (Python numbers; whole-number weights, so every sum is exact)
        strength = np.zeros(n, dtype=np.int64)
        np.add.at(strength, u, w)
        np.add.at(strength, v, w)
        deg_sum = int(strength.sum())
        m, norm = deg_sum / 2, 1 / deg_sum**2
        same = labels[u] == labels[v]
        inside = np.zeros(n_parts, dtype=np.int64)
        np.add.at(inside, labels[u][same], w[same])
        total = np.zeros(n_parts, dtype=np.int64)
        np.add.at(total, labels, strength)
        modularity = sum(L_c / m - resolution * k * k * norm for L_c, k in zip(inside.tolist(), total.tolist()))
    else:
        modularity = float("nan")
    out.attrs.update(modularity=float(modularity), method="leiden")
    return out


def _leiden(H, *, seed, resolution):
    nodes = list(H.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in H.edges]
    weights = [float(w) for _, _, w in H.edges(data="weight", default=1)]
    membership = _leiden_membership(len(nodes), edges, weights, seed=seed, resolution=resolution)
    parts: dict = {}
    for node, part in zip(nodes, membership):
        parts.setdefault(part, set()).add(node)
    return [parts[i] for i in sorted(parts)]


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
    if isinstance(G, GraphTables) and not _simple(G):
        G = G.to_networkx()
    inside = pd.Series(dtype=float)
    if isinstance(G, GraphTables):
        # the same numbers from the arrays: each node's weighted degree, the weight of the edges
        # whose ends are in one community (whole numbers: sums in any order are equal)
        u, v, w = _undirected_arrays(G)
        n = G.number_of_nodes()
        at = positions(G.ids, labels.index)  # -1: a labelled node that is not in the graph
        strength = np.zeros(n, dtype=np.int64)
        np.add.at(strength, u, w)
        np.add.at(strength, v, w)
        if len(u):
            label_of = labels.reindex(G.ids).to_numpy()
            lu, lv = label_of[u], label_of[v]
            same = pd.notna(lu) & (lu == lv)
            inside = pd.Series(w[same].astype(float)).groupby(lu[same]).sum()
        main_page = G.nodes.get("main_page")
        page = np.full(len(at), None, dtype=object)
        if main_page is not None:
            has = (at >= 0) & main_page.mask(n)[np.maximum(at, 0)]
            page[has] = np.asarray(main_page.python(at[has]), dtype=object)
        node_strength = np.where(at >= 0, -strength[np.maximum(at, 0)], 0)
    else:
        H = _undirected(G)
        strength = dict(H.degree(weight="weight"))
        # all communities at once from the edge list (a loop over subgraphs takes minutes on a country)
        edges = pd.DataFrame(list(H.edges(data="weight", default=1)), columns=["u", "v", "w"])
        if len(edges):
            lu, lv = labels.reindex(edges["u"]).to_numpy(), labels.reindex(edges["v"]).to_numpy()
            same = pd.notna(lu) & (lu == lv)
            inside = edges.loc[same, "w"].astype(float).groupby(lu[same]).sum()
        node_strength = [-strength.get(v, 0) for v in labels.index]
        page = [G.nodes[v].get("main_page") if v in G else None for v in labels.index]
    nodes = pd.DataFrame({"label": labels.to_numpy(), "node": labels.index,
                          "strength": node_strength,
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

"""Graph measures: size, density, reciprocity, Freeman centralisation, top actors and communities."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd

from ._threads import check_dataset, comment_table
from .graphs import _build_reply_graph

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
    table = comment_table(ds)
    by_page = dict(list(table.groupby("page_id", sort=False)))
    rows = {}
    for page_id, pages in ds.pages.groupby("page_id", sort=True):
        G = _build_reply_graph(by_page.get(page_id, table.iloc[:0]), pages)
        row = graph_measures(G)
        row["page_in_degree"] = float(G.in_degree(page_id))
        row["edges_to_page_share"] = G.in_degree(page_id) / G.number_of_edges() if G.number_of_edges() else np.nan
        rows[page_id] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "page_id"
    if out.empty:
        return out
    for col in ("nodes", "edges", "components", "page_in_degree"):
        out[col] = out[col].astype("int64")
    names = ds.pages.drop_duplicates("page_id").set_index("page_id")["page_name"]
    out.insert(0, "page_name", names.reindex(out.index).astype("string").to_numpy())
    return out


def _betweenness(G, k, seed):
    n = G.number_of_nodes()
    if k is None and n > BETWEENNESS_EXACT_MAX:
        k = BETWEENNESS_SAMPLES
    if k is not None and k >= n:
        k = None
    return nx.betweenness_centrality(G, k=k, seed=seed, normalized=True)


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
    G : networkx.Graph or DiGraph
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


def _leiden(H, *, seed, resolution):
    import igraph as ig

    nodes = list(H.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in H.edges]
    g = ig.Graph(n=len(nodes), edges=edges)
    g.es["weight"] = [float(w) for _, _, w in H.edges(data="weight", default=1)]
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = g.community_leiden(objective_function="modularity", weights="weight", resolution=resolution,
                                  n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    return [{nodes[i] for i in members} for members in part]


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
    H = _undirected(G)
    strength = dict(H.degree(weight="weight"))
    # all communities at once from the edge list (a loop over subgraphs takes minutes on a country)
    edges = pd.DataFrame(list(H.edges(data="weight", default=1)), columns=["u", "v", "w"])
    inside = pd.Series(dtype=float)
    if len(edges):
        lu, lv = labels.reindex(edges["u"]).to_numpy(), labels.reindex(edges["v"]).to_numpy()
        same = pd.notna(lu) & (lu == lv)
        inside = edges.loc[same, "w"].astype(float).groupby(lu[same]).sum()
    nodes = pd.DataFrame({"label": labels.to_numpy(), "node": labels.index,
                          "strength": [-strength.get(v, 0) for v in labels.index],
                          "name": [str(v) for v in labels.index],
                          "page": [G.nodes[v].get("main_page") if v in G else None for v in labels.index]})
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

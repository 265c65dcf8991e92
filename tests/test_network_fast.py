"""The array paths of the network report give exactly what the networkx paths they replace gave.

Per-page measures are computed for all pages at once from edge arrays instead of one networkx graph
per page; the whole-country reply, commenter–post and co-commenting networks are held as
:class:`~kommunsocial.network.GraphTables` and written, measured and partitioned from their arrays.
The implementation before this change is kept below as the reference (``ref_*``); the results must
be equal: the same frames (values, dtypes, index), the same communities and modularity, and the
same exported files byte for byte — on the bundled sample, the hand-built thread fixture, small
random datasets with every irregularity and hand-made tiny graphs.
"""

from __future__ import annotations

import importlib
import random

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial import network
from kommunsocial.network._example import make_dataset
from kommunsocial.network.measures import graph_measures

from .test_network_reference import (DATASETS, assert_same_frame, assert_same_graph, ref_bipartite_graph,
                                     ref_build_reply_graph, ref_comment_table, ref_commenter_graph,
                                     ref_reply_edges, ref_reply_graph, ref_threads)

matplotlib.use("Agg")
export_module = importlib.import_module("kommunsocial.network.export")
measures_module = importlib.import_module("kommunsocial.network.measures")

# ----------------------------------------------------------------------------------------------
# the reference: the implementation before the array paths


def ref_page_measures(ds):
    table = ref_comment_table(ds)
    by_page = dict(list(table.groupby("page_id", sort=False)))
    rows = {}
    for page_id, pages in ds.pages.groupby("page_id", sort=True):
        G = ref_build_reply_graph(by_page.get(page_id, table.iloc[:0]), pages)
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


def ref_comment_overview(ds):
    c = ds.comments
    table = ref_comment_table(ds)
    _, dropped = ref_reply_edges(table)
    is_page = c["author_is_page"].fillna(False).to_numpy(dtype=bool)
    rows = [
        ("comments", len(c)),
        ("written by citizens", int((~is_page).sum())),
        ("written by the pages", int(is_page.sum())),
        ("threads (citizens' top-level comments)", len(ref_threads(ds, table=table))),
        ("distinct commenters (pseudonyms)", int(c.loc[~is_page, "author_id"].nunique())),
        ("comments without an author", dropped["comments_without_author"]),
        ("replies to a comment missing from the export", int(table["parent_missing"].sum())),
        ("posts with comments", int(c["post_id"].nunique())),
        ("posts", len(ds.posts)),
    ]
    return pd.DataFrame(rows, columns=["", "value"]).set_index("")


def ref_most_commented_page(ds):
    if not len(ds.comments):
        return ""
    page = ds.comments["post_id"].map(ds.posts.set_index("post_id")["page_id"])
    counts = page.value_counts()
    return str(sorted(counts[counts == counts.max()].index)[0])


def ref_undirected(G):
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


def ref_leiden(H, *, seed, resolution):
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


def ref_communities(G, *, seed=0, method="auto", resolution=1.0, leiden_above=20000):
    H = ref_undirected(G)
    if H.number_of_nodes() == 0:
        out = pd.Series([], dtype="int64", name="community", index=pd.Index([], name="node"))
        out.attrs.update(modularity=float("nan"), method="none")
        return out
    if method == "auto":
        method = "leiden" if H.number_of_nodes() > leiden_above else "louvain"
    if method == "louvain":
        parts = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    else:
        parts = ref_leiden(H, seed=seed, resolution=resolution)
    parts = sorted((sorted(p, key=str) for p in parts), key=lambda p: (-len(p), str(p[0])))
    labels = {v: i for i, p in enumerate(parts) for v in p}
    out = pd.Series([labels[v] for v in H.nodes], index=pd.Index(list(H.nodes), name="node"), name="community",
                    dtype="int64")
    modularity = nx.community.modularity(H, parts, weight="weight", resolution=resolution) if H.number_of_edges() \
        else float("nan")
    out.attrs.update(modularity=float(modularity), method=method)
    return out


def ref_community_table(G, labels, n_members=3):
    if labels.empty:
        return pd.DataFrame(columns=["size", "share", "internal_weight", "members", "main_page"])
    H = ref_undirected(G)
    strength = dict(H.degree(weight="weight"))
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


def ref_degrees(G):
    citizens = [v for v, r in G.nodes(data="role") if r != "page"]
    return np.array([G.in_degree(v) for v in citizens]), np.array([G.out_degree(v) for v in citizens])


# ----------------------------------------------------------------------------------------------
# small datasets of our own: awkward page names for the CSV files, pages without comments


def awkward_dataset():
    """Page names with a comma, a quote, line breaks; a page without posts; a page whose only
    comments are its own; two commenters on many of the same posts."""
    pages = [{"page_id": "A", "page_name": 'Kommun, "norra"'}, {"page_id": "B", "page_name": "Rad\nbrytning\r"},
             {"page_id": "C", "page_name": "Tyst kommun"}, {"page_id": "D", "page_name": "Egen"}]
    posts = [{"post_id": f"{p}_{i}", "page_id": p, "created_at": f"2024-01-0{i + 1} 08:00"}
             for p in ("A", "B", "D") for i in range(3)]
    comments = []
    for p in ("A", "B"):
        for i in range(3):
            post = f"{p}_{i}"
            comments += [
                {"comment_id": f"{post}_1", "post_id": post, "parent_id": None, "author_id": "p_x",
                 "author_is_page": False, "created_at": pd.Timestamp(f"2024-01-0{i + 1} 09:00:00.25", tz="UTC")},
                {"comment_id": f"{post}_2", "post_id": post, "parent_id": f"{post}_1", "author_id": "p_y",
                 "author_is_page": False, "created_at": pd.Timestamp(f"2024-01-0{i + 1} 09:30", tz="UTC")},
                {"comment_id": f"{post}_3", "post_id": post, "parent_id": f"{post}_1", "author_id": p,
                 "author_is_page": True, "created_at": pd.Timestamp(f"2024-01-0{i + 1} 10:00", tz="UTC")},
                {"comment_id": f"{post}_4", "post_id": post, "parent_id": f"{post}_2", "author_id": "p_x",
                 "author_is_page": False, "created_at": pd.Timestamp(f"2024-01-0{i + 2} 10:00", tz="UTC")},
            ]
    comments += [{"comment_id": "D1", "post_id": "D_0", "parent_id": None, "author_id": "D", "author_is_page": True,
                  "created_at": pd.Timestamp("2024-01-01 09:00", tz="UTC")}]
    return make_dataset(pages, posts, comments)


def star_dataset():
    """A page answered by five commenters, one of whom replies to two others."""
    pages = [{"page_id": "S", "page_name": "Stjärna"}]
    posts = [{"post_id": "S_1", "page_id": "S", "created_at": "2024-05-01 08:00"}]
    comments = [{"comment_id": f"c{i}", "post_id": "S_1", "parent_id": None, "author_id": f"p_{i}",
                 "author_is_page": False, "created_at": f"2024-05-01 0{i + 1}:00"} for i in range(5)]
    comments += [{"comment_id": "r1", "post_id": "S_1", "parent_id": "c1", "author_id": "p_0", "author_is_page": False,
                  "created_at": "2024-05-02 08:00"},
                 {"comment_id": "r2", "post_id": "S_1", "parent_id": "c2", "author_id": "p_0", "author_is_page": False,
                  "created_at": "2024-05-02 09:00"},
                 {"comment_id": "r3", "post_id": "S_1", "parent_id": "r1", "author_id": "p_1", "author_is_page": False,
                  "created_at": "2024-05-02 10:00"}]
    return make_dataset(pages, posts, comments)


MORE = {"awkward": awkward_dataset, "star": star_dataset}


@pytest.fixture(scope="module", params=["sample", *DATASETS, *MORE])
def ds(request):
    if request.param == "sample":
        return request.getfixturevalue("sample_dataset")
    return {**DATASETS, **MORE}[request.param]()


# ----------------------------------------------------------------------------------------------
# comparisons


def test_page_measures(ds):
    assert_same_frame(network.page_measures(ds), ref_page_measures(ds))


def test_page_measures_without_pages_or_comments(sample_dataset):
    empty = ks.Dataset(sample_dataset.pages, sample_dataset.posts, sample_dataset.comments.iloc[:0])
    assert_same_frame(network.page_measures(empty), ref_page_measures(empty))


def test_overview_and_most_commented_page(ds):
    assert_same_frame(network.comment_overview(ds), ref_comment_overview(ds))
    assert network.most_commented_page(ds) == ref_most_commented_page(ds)


def test_tables_are_the_graphs(ds):
    assert_same_graph(network.reply_tables(ds).to_networkx(), ref_reply_graph(ds))
    assert_same_graph(network.bipartite_tables(ds).to_networkx(), ref_bipartite_graph(ds))
    for w in (1, 2):
        assert_same_graph(network.commenter_tables(ds, min_weight=w).to_networkx(), ref_commenter_graph(ds, w))
    R = network.reply_tables(ds)
    assert (R.number_of_nodes(), R.number_of_edges()) == (ref_reply_graph(ds).number_of_nodes(),
                                                          ref_reply_graph(ds).number_of_edges())


@pytest.mark.parametrize("limit", [250_000, 0])
def test_exported_files_are_byte_identical(ds, tmp_path, monkeypatch, limit):
    """As XML and CSV, and as the node and edge tables a graph too large for XML is written as."""
    monkeypatch.setattr(export_module, "MAX_XML_EDGES", limit)
    toned = ks.Dataset(ds.pages, ds.posts.assign(tone=np.where(np.arange(len(ds.posts)) % 3 == 0, None, "formal")),
                       ds.comments)
    scored = ks.Dataset(ds.pages, ds.posts.assign(tone=np.where(np.arange(len(ds.posts)) % 2 == 0, np.nan, 0.5)),
                        ds.comments)
    graphs = {"reply_network.gexf": (network.reply_graph(ds), network.reply_tables(ds)),
              "co.gexf": (network.commenter_graph(ds, min_weight=1), network.commenter_tables(ds, min_weight=1)),
              "co2.graphml": (network.commenter_graph(ds), network.commenter_tables(ds)),
              "cp.graphml": (network.bipartite_graph(ds), network.bipartite_tables(ds)),
              "cp_pages.gexf": (network.bipartite_graph(ds, include_pages=True),
                                network.bipartite_tables(ds, include_pages=True)),
              "cp_tone.gexf": (network.bipartite_graph(toned), network.bipartite_tables(toned)),
              "cp_score.graphml": (network.bipartite_graph(scored), network.bipartite_tables(scored)),
              "reply_edges.csv": (network.reply_graph(ds), network.reply_tables(ds)),
              "cp_edges.csv": (network.bipartite_graph(ds), network.bipartite_tables(ds))}
    old = network.export_files({name: pair[0] for name, pair in graphs.items()}, tmp_path / "old")
    new = network.export_files({name: pair[1] for name, pair in graphs.items()}, tmp_path / "new")
    files = sorted(p.name for p in (tmp_path / "old").iterdir()) if (tmp_path / "old").exists() else []
    assert files == (sorted(p.name for p in (tmp_path / "new").iterdir()) if files else [])
    for name in files:
        assert (tmp_path / "new" / name).read_bytes() == (tmp_path / "old" / name).read_bytes(), name
    pd.testing.assert_frame_equal(new.assign(file=new["file"].str.replace(str(tmp_path / "new"), "")),
                                  old.assign(file=old["file"].str.replace(str(tmp_path / "old"), "")))


@pytest.mark.parametrize("method", ["leiden", "auto"])
def test_communities_and_their_table(ds, method, monkeypatch):
    monkeypatch.setattr(measures_module, "LEIDEN_ABOVE", 0)  # Leiden, from the arrays, on small graphs too
    for w in (1, 2):
        tables, G = network.commenter_tables(ds, min_weight=w), ref_commenter_graph(ds, w)
        ref = ref_communities(G, seed=0, method=method, leiden_above=0)
        for new in (network.communities(tables, seed=0, method=method), network.communities(G, seed=0, method=method)):
            pd.testing.assert_series_equal(new, ref, check_exact=True)
            assert new.attrs == ref.attrs or (np.isnan(ref.attrs["modularity"]) and np.isnan(new.attrs["modularity"]))
        for labels in (ref, ref.iloc[::2]):  # some nodes without a label
            assert_same_frame(network.community_table(tables, labels), ref_community_table(G, labels))


def test_louvain_on_tables_goes_through_networkx(ds):
    tables, G = network.commenter_tables(ds, min_weight=1), ref_commenter_graph(ds, 1)
    new, ref = network.communities(tables, seed=3), ref_communities(G, seed=3)
    pd.testing.assert_series_equal(new, ref, check_exact=True)
    assert str(new.attrs) == str(ref.attrs)


def test_tiny_graphs_communities():
    """Two triangles joined by one edge, weights 1 to 3; a graph that is not one edge per pair."""
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1), ("a", "c", 2), ("b", "c", 3), ("d", "e", 1), ("e", "f", 2),
                               ("d", "f", 1), ("c", "d", 1)])
    ids = np.array(list(G.nodes), dtype=object)
    index = {v: i for i, v in enumerate(ids)}
    u = np.array([index[a] for a, b in G.edges]), np.array([index[b] for a, b in G.edges])
    w = np.array([d for *_, d in G.edges(data="weight")], dtype=np.int64)
    tables = network.GraphTables(ids, {}, u[0], u[1], {"weight": network.tables.Column(w)}, directed=False)
    new = network.communities(tables, method="leiden", seed=1)
    ref = ref_communities(G, method="leiden", seed=1)
    pd.testing.assert_series_equal(new, ref, check_exact=True)
    assert new.attrs == ref.attrs
    assert_same_frame(network.community_table(tables, new), ref_community_table(G, ref))
    # the same edges reported from their other end, in another order: networkx's order is found
    flipped = network.GraphTables(ids, {}, u[1][::-1].copy(), u[0][::-1].copy(),
                                  {"weight": network.tables.Column(w[::-1].copy())}, directed=False)
    pd.testing.assert_series_equal(network.communities(flipped, method="leiden", seed=1),
                                   ref_communities(flipped.to_networkx(), method="leiden", seed=1), check_exact=True)


def test_degree_distribution_of_tables(ds):
    from kommunsocial.network import plots

    tables, G = network.reply_tables(ds), ref_reply_graph(ds)
    for new, ref in zip(plots._citizen_degrees(tables), ref_degrees(G)):
        assert new.tolist() == ref.tolist()
    a, b = plots.degree_distribution(tables), plots.degree_distribution(G)
    if isinstance(b, matplotlib.figure.Figure):
        lines = [(line.get_xdata().tolist(), line.get_ydata().tolist(), line.get_label()) for line in b.axes[0].lines]
        assert [(line.get_xdata().tolist(), line.get_ydata().tolist(), line.get_label())
                for line in a.axes[0].lines] == lines
    else:
        assert a.data == b.data


def test_isoformat_of_times():
    from kommunsocial.network.export import _iso

    base = ["2024-01-01 00:00:00", "2024-02-29 23:59:59.000001", None, "1970-01-01", "1969-12-31 23:59:59.5",
            "2262-04-11", "1900-03-01 12:00"]
    for unit in ("s", "ms", "us", "ns"):
        for tz in ("UTC", "Europe/Stockholm", None):
            values = base + (["0001-01-01", "9999-12-31 23:59:59.999999"] if tz != "Europe/Stockholm" and unit != "ns"
                             else [])
            times = pd.Series(pd.to_datetime(values, format="ISO8601")).astype(f"datetime64[{unit}]")
            if tz:
                times = times.dt.tz_localize("UTC").dt.tz_convert(tz)
            expected = [None if pd.isna(t) else t.isoformat() for t in np.asarray(times.array, dtype=object)]
            assert _iso(times.array).tolist() == expected, (unit, tz)


def test_betweenness_is_computed_once_per_graph_until_it_changes(ds, monkeypatch):
    G = network.reply_graph(ds)
    first = network.top_actors(G, 5, by="in_degree")
    calls = []
    real = nx.betweenness_centrality
    monkeypatch.setattr(nx, "betweenness_centrality", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = network.top_actors(G, 5, by="betweenness")
    assert not calls
    pd.testing.assert_frame_equal(again, network.top_actors(network.reply_graph(ds), 5, by="betweenness"))
    assert len(calls) == 1  # another graph
    pd.testing.assert_frame_equal(first, network.top_actors(network.reply_graph(ds), 5, by="in_degree"))
    if G.number_of_nodes() > 2:
        G.add_edge("new_a", "new_b")  # a change: computed again
        network.top_actors(G, 5, by="betweenness")
        assert len(calls) == 3


def test_the_part_of_a_large_network_drawn_keeps_the_graph_order(sample_dataset):
    """The drawn nodes and edges come in the graph's order, not in that of a set of ids (which
    changes with each process's hash seed, and the layout with it)."""
    from kommunsocial.network import plots

    G = network.reply_graph(sample_dataset, page=network.most_commented_page(sample_dataset))
    H, cut = plots._largest_part(G, 50)
    assert cut and H.number_of_nodes() == 50
    assert list(H.nodes) == [v for v in G if v in H]
    assert list(H.edges) == [(u, v) for u, v in G.edges if u in H and v in H]
    assert all(H.nodes[v] == G.nodes[v] for v in H) and all(H[u][v] == G[u][v] for u, v in H.edges)
    assert H.graph == G.graph

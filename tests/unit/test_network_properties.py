"""Properties of the networks on small random datasets: each graph equals the one a few lines of pandas
build from the comments table, a page's measures are those of its own reply graph, the measures agree
with networkx's own functions, threads are answered as a walk up the parent chain says, and exports
read back as the graph written."""

import importlib

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunsocial import network
from kommunsocial.network._example import make_dataset

PEOPLE = ["a", "b", "c", "d", None]  # None: an export without the author
START = pd.Timestamp("2024-01-01 08:00", tz="UTC")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES = settings(SETTINGS, max_examples=10)  # each example writes a dozen files

pytestmark = pytest.mark.slow  # property tests over many generated datasets


@st.composite
def datasets(draw):
    """Up to three pages with one or two posts each, up to 14 comments: replies to earlier comments
    of the same post, now and then to a comment missing from the export; pages answering."""
    n_pages = draw(st.integers(1, 3))
    names = st.sampled_from(["Kommun", 'Kommun, "norra"', "Rad\nbrytning", "Åre"])  # text a CSV must quote
    pages = [{"page_id": f"P{i}", "page_name": draw(names)} for i in range(n_pages)]
    posts = [{"post_id": f"P{i}_{k}", "page_id": f"P{i}", "created_at": START}
             for i in range(n_pages) for k in range(draw(st.integers(1, 2)))]
    comments = []
    for i in range(draw(st.integers(0, 14))):
        post = draw(st.sampled_from(posts))
        earlier = [c["comment_id"] for c in comments if c["post_id"] == post["post_id"]]
        parent = draw(st.sampled_from([None, "gone", *earlier]))
        by_page = draw(st.booleans()) and draw(st.booleans())
        comments.append({"comment_id": f"c{i}", "post_id": post["post_id"], "parent_id": parent,
                         "author_id": post["page_id"] if by_page else draw(st.sampled_from(PEOPLE)),
                         "author_is_page": by_page,
                         "created_at": START + pd.Timedelta(minutes=draw(st.integers(0, 600))),
                         "text": ""})
    return make_dataset(pages, posts, comments)


def expected_replies(ds) -> pd.DataFrame:
    """The reply edges, written out: author → parent's author, or → the page for a top-level comment."""
    c = ds.comments.astype({"author_id": object, "parent_id": object}).merge(
        ds.posts[["post_id", "page_id"]].astype(object), on="post_id")
    c["node"] = c["page_id"].where(c["author_is_page"], c["author_id"])
    node_of = dict(zip(c["comment_id"], c["node"]))
    c["target"] = [page if pd.isna(parent) else node_of.get(parent)
                   for parent, page in zip(c["parent_id"], c["page_id"])]
    return c


def test_reply_graph_is_the_edge_list_of_the_comments():
    @SETTINGS
    @given(datasets())
    def check(ds):
        c = expected_replies(ds)
        edges = c[c["node"].notna() & c["target"].notna() & (c["node"] != c["target"])]
        G = network.reply_tables(ds).to_networkx()
        assert {(u, v): w for u, v, w in G.edges(data="weight")} == \
            edges.groupby(["node", "target"]).size().to_dict()
        authors = c["node"].dropna().value_counts()
        assert set(G.nodes) == set(ds.pages["page_id"]) | set(authors.index)
        assert {v: d["n_comments"] for v, d in G.nodes(data=True)} == \
            {v: int(authors.get(v, 0)) for v in G.nodes}
        assert G.graph["comments_without_author"] == int(c["node"].isna().sum())

    check()


def test_two_mode_and_co_commenting_graphs_are_those_of_the_comments():
    @SETTINGS
    @given(datasets(), st.integers(1, 2))
    def check(ds, min_weight):
        c = ds.comments
        c = c[c["author_id"].notna() & ~c["author_is_page"]].astype({"author_id": object, "post_id": object})
        B = network.bipartite_tables(ds).to_networkx()
        assert {(u, v): w for u, v, w in B.edges(data="weight")} == c.groupby(["author_id", "post_id"]).size().to_dict()
        pairs = c[["author_id", "post_id"]].drop_duplicates()
        both = pairs.merge(pairs, on="post_id")
        both = both[both["author_id_x"] < both["author_id_y"]]
        shared = both.groupby(["author_id_x", "author_id_y"]).size()
        C = network.commenter_tables(ds, min_weight=min_weight).to_networkx()
        assert {tuple(sorted((u, v))): w for u, v, w in C.edges(data="weight")} == \
            shared[shared >= min_weight].to_dict()

    check()


def test_a_page_has_the_measures_of_its_own_reply_graph():
    @SETTINGS
    @given(datasets())
    def check(ds):
        m = network.page_measures(ds)
        for page in ds.pages["page_id"]:
            G = network.reply_graph(ds, page=page)
            pd.testing.assert_series_equal(m.loc[page, network.measures.MEASURES].astype(float),
                                           network.graph_measures(G), check_names=False)
            assert m.loc[page, "page_in_degree"] == G.in_degree(page)

    check()


def freeman(G) -> float:
    """Freeman's degree centralisation written out on networkx's degrees (self-loops dropped)."""
    H = G.copy()
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    d = np.array([k for _, k in (H.in_degree() if H.is_directed() else H.degree())], dtype=float)
    n = len(d)
    bound = (n - 1) ** 2 if H.is_directed() else (n - 1) * (n - 2)
    return float((d.max() - d).sum() / bound) if n and bound > 0 else float("nan")


def test_measures_agree_with_networkx():
    @SETTINGS
    @given(datasets())
    def check(ds):
        for G in (network.reply_graph(ds), network.bipartite_graph(ds), network.commenter_graph(ds, min_weight=1)):
            m = network.graph_measures(G)
            n = G.number_of_nodes()
            components = nx.number_weakly_connected_components(G) if G.is_directed() else \
                nx.number_connected_components(G)
            expected = {"nodes": n, "edges": G.number_of_edges(), "components": components,
                        "total_weight": G.size(weight="weight"),
                        "density": nx.density(G) if n > 1 else np.nan,
                        "reciprocity": nx.overall_reciprocity(G) if G.is_directed() and G.number_of_edges() else np.nan,
                        "mean_degree": sum(d for _, d in G.degree()) / n if n else np.nan,
                        "degree_centralisation": freeman(G)}
            assert m[list(expected)].to_dict() == pytest.approx(expected, nan_ok=True)

    check()


def test_threads_are_answered_as_the_parent_chain_says():
    @SETTINGS
    @given(datasets())
    def check(ds):
        c = ds.comments.set_index("comment_id")
        parent = {i: None if pd.isna(p) else p for i, p in c["parent_id"].items()}

        def root(i):
            while parent[i] is not None:
                i = parent[i]
                if i not in parent:
                    return None
            return i

        roots = {i: root(i) for i in c.index}
        t = network.threads(ds).set_index("comment_id")
        assert set(t.index) == {i for i in c.index if parent[i] is None and not c.loc[i, "author_is_page"]}
        for i in t.index:
            start = c.loc[i, "created_at"]
            answers = [c.loc[k, "created_at"] for k in c.index
                       if roots[k] == i and k != i and c.loc[k, "author_is_page"] and c.loc[k, "created_at"] >= start]
            hours = (min(answers) - start).total_seconds() / 3600 if answers else np.nan
            assert t.loc[i, "hours_to_answer"] == pytest.approx(hours, nan_ok=True)
        r = network.responsiveness(ds, min_threads=1)
        rate = t.groupby("page_id")["answered"].mean()
        # a page none of whose comments names its author: who answered is unknown, not 0
        page_of = ds.posts.set_index("post_id")["page_id"]
        named = (c["author_id"].notna() | c["author_is_page"]).groupby(c["post_id"].map(page_of)).any()
        rate = rate[rate.index.map(lambda p: bool(named.get(p, False)))]
        assert r["answer_rate"].dropna().to_dict() == pytest.approx(rate.to_dict())
        assert r.loc[[p for p in r.index if not named.get(p, False)], "answer_rate"].isna().all()

    check()


def test_exports_read_back_as_the_graph_written(tmp_path_factory):
    @FILES
    @given(datasets())
    def check(ds):
        folder = tmp_path_factory.mktemp("export")
        for graph in (network.reply_tables(ds), network.bipartite_tables(ds)):
            G = graph.to_networkx()
            edges = {(str(u), str(v)): w for u, v, w in G.edges(data="weight")}
            for suffix, read in ((".gexf", nx.read_gexf), (".graphml", nx.read_graphml)):
                for item in (graph, G):  # the arrays and the networkx graph write the same graph
                    back = read(network.export(item, folder / f"g{suffix}"))
                    assert sorted(back.nodes) == sorted(str(v) for v in G.nodes)
                    assert {(u, v): w for u, v, w in back.edges(data="weight")} == edges
            table = pd.read_csv(network.export(graph, folder / "g.csv"), dtype={"source": str, "target": str})
            assert dict(zip(zip(table["source"], table["target"]), table["weight"])) == edges if edges else True

    check()


def test_csv_exports_of_arrays_and_of_networkx_graphs_are_the_same_bytes(tmp_path_factory, monkeypatch):
    """The arrays are written without networkx: the edge list, and the node and edge tables of a
    graph too large for XML, must be the files the networkx graph gives."""
    monkeypatch.setattr(importlib.import_module("kommunsocial.network.export"), "MAX_XML_EDGES", 0)

    @FILES
    @given(datasets())
    def check(ds):
        folder = tmp_path_factory.mktemp("csv")
        graphs = {"reply.csv": network.reply_tables(ds), "reply.gexf": network.reply_tables(ds),
                  "cp.graphml": network.bipartite_tables(ds), "co.gexf": network.commenter_tables(ds, min_weight=1)}
        network.export_files(graphs, folder / "arrays")
        network.export_files({name: T.to_networkx() for name, T in graphs.items()}, folder / "networkx")
        written = sorted(p.name for p in (folder / "arrays").glob("*")) if (folder / "arrays").exists() else []
        assert written == (sorted(p.name for p in (folder / "networkx").glob("*")) if written else [])
        for name in written:
            assert (folder / "arrays" / name).read_bytes() == (folder / "networkx" / name).read_bytes(), name

    check()


def test_communities_are_the_same_from_arrays_and_networkx_and_their_modularity_is_networkx_s():
    @SETTINGS
    @given(datasets(), st.sampled_from(["louvain", "leiden"]))
    def check(ds, method):
        T = network.commenter_tables(ds, min_weight=1)
        labels = network.communities(T, seed=0, method=method)
        pd.testing.assert_series_equal(labels, network.communities(T.to_networkx(), seed=0, method=method))
        if T.number_of_edges():
            G = T.to_networkx()
            parts = [set(members.index) for _, members in labels.groupby(labels)]
            assert labels.attrs["modularity"] == pytest.approx(nx.community.modularity(G, parts, weight="weight"))

    check()

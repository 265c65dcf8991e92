"""Network measures on a dataset small enough to work out on paper: two pages, six comments.

Page P (Ås kommun), post P1 (1 Mar 2024, 08:00 UTC)     Page Q (Bö kommun), post Q1 (same time)
  c1  a  top     09:00 "När öppnar badet?"               c4  a  top     12:00 "Hur söker man bygglov?"
    c2  P  → c1  10:00 (the page answers after 1 h)        c5  b  → c4  13:00 (b answers a)
  c3  b  top     11:00 "Tack för infon."                     c6  Q  → c5  15:00 (the page, 3 h after c4)

Reply edges (author → whom the comment answers; a top-level comment → the page):
c1 a→P, c2 P→a, c3 b→P, c4 a→Q, c5 b→a, c6 Q→b, each of weight 1.
"""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from kommunsocial import network
from kommunsocial.network._example import make_dataset
from kommunsocial.network.tables import Column, GraphTables


def two_pages():
    pages = [{"page_id": "P", "page_name": "Ås kommun"}, {"page_id": "Q", "page_name": "Bö kommun"}]
    posts = [{"post_id": "P1", "page_id": "P", "created_at": "2024-03-01 08:00"},
             {"post_id": "Q1", "page_id": "Q", "created_at": "2024-03-01 08:00"}]
    rows = [("c1", "P1", None, "a", "09:00", "När öppnar badet?"),
            ("c2", "P1", "c1", "P", "10:00", "Klockan tio."),
            ("c3", "P1", None, "b", "11:00", "Tack för infon."),
            ("c4", "Q1", None, "a", "12:00", "Hur söker man bygglov?"),
            ("c5", "Q1", "c4", "b", "13:00", "Via e-tjänsten."),
            ("c6", "Q1", "c5", "Q", "15:00", "Det stämmer.")]
    comments = [{"comment_id": i, "post_id": post, "parent_id": parent, "author_id": author,
                 "author_is_page": author in ("P", "Q"), "created_at": f"2024-03-01 {t}", "text": text, "lang": "sv"}
                for i, post, parent, author, t, text in rows]
    return make_dataset(pages, posts, comments)


@pytest.fixture(scope="module")
def ds():
    return two_pages()


def test_reply_graph_by_hand(ds):
    G = network.reply_tables(ds).to_networkx()
    assert list(G.nodes) == ["P", "Q", "a", "b"]
    assert sorted(G.edges(data="weight")) == [("P", "a", 1), ("Q", "b", 1), ("a", "P", 1), ("a", "Q", 1),
                                              ("b", "P", 1), ("b", "a", 1)]
    assert dict(G.nodes["Q"]) == {"role": "page", "label": "Bö kommun", "n_comments": 1, "n_top_level": 0}
    assert dict(G.nodes["a"]) == {"role": "citizen", "label": "a", "n_comments": 2, "n_top_level": 2}
    assert G.edges["b", "a"]["first_at"] == pd.Timestamp("2024-03-01 13:00", tz="UTC")


def test_degrees_by_hand(ds):
    T = network.reply_tables(ds)
    into, out = network.degrees(T)
    # in: P ← a, b; Q ← a; a ← P, b; b ← Q.  out: P → a; Q → b; a → P, Q; b → P, a
    assert dict(zip(T.ids, into.tolist())) == {"P": 2, "Q": 1, "a": 2, "b": 1}
    assert dict(zip(T.ids, out.tolist())) == {"P": 1, "Q": 1, "a": 2, "b": 2}
    # the same from the networkx graph, and an undirected graph's degree twice
    assert [d.tolist() for d in network.degrees(T.to_networkx())] == [into.tolist(), out.tolist()]
    assert [d.tolist() for d in network.degrees(nx.path_graph(3))] == [[1, 2, 1], [1, 2, 1]]


def test_graph_measures_by_hand(ds):
    m = network.graph_measures(network.reply_tables(ds))
    assert (m["nodes"], m["edges"], m["total_weight"]) == (4, 6, 6)
    assert m["density"] == pytest.approx(6 / 12)  # 6 of 4·3 possible directed edges
    assert m["reciprocity"] == pytest.approx(2 / 6)  # a→P and P→a answer each other
    assert (m["components"], m["largest_component_share"]) == (1, 1.0)
    # in-degrees 2, 1, 2, 1: Σ(2 − d) = 2 over (4 − 1)² = 9
    assert m["degree_centralisation"] == pytest.approx(2 / 9)
    assert m["mean_degree"] == pytest.approx(2 * 6 / 4)
    # a networkx graph goes through the same code
    pd.testing.assert_series_equal(network.graph_measures(network.reply_graph(ds)), m)
    assert network.degree_centralisation(network.reply_graph(ds)) == pytest.approx(2 / 9)


def test_page_measures_by_hand(ds):
    m = network.page_measures(ds)
    assert list(m.index) == ["P", "Q"] and m["page_name"].tolist() == ["Ås kommun", "Bö kommun"]
    p, q = m.loc["P"], m.loc["Q"]
    # P alone: a→P, P→a, b→P among P, a, b
    assert (p["nodes"], p["edges"], p["total_weight"]) == (3, 3, 3.0)
    assert p["density"] == pytest.approx(3 / 6)
    assert p["reciprocity"] == pytest.approx(2 / 3)
    assert p["degree_centralisation"] == pytest.approx(3 / 4)  # in-degrees P 2, a 1, b 0: Σ(2 − d) = 3 over 2²
    assert (p["page_in_degree"], p["edges_to_page_share"]) == (2, pytest.approx(2 / 3))
    # Q alone: a→Q, b→a, Q→b, a cycle: nothing reciprocated, every in-degree 1
    assert (q["nodes"], q["edges"], q["components"]) == (3, 3, 1)
    assert q["reciprocity"] == 0.0 and q["degree_centralisation"] == 0.0
    assert (q["page_in_degree"], q["edges_to_page_share"]) == (1, pytest.approx(1 / 3))
    assert m["nodes"].dtype == np.int64 and m["density"].dtype == np.float64


def test_a_reply_whose_parent_is_under_another_page_is_no_edge_of_either_page(ds):
    c = ds.comments.copy()
    c.loc[c["comment_id"] == "c5", "parent_id"] = "c1"  # b, under Q's post, answers a's comment under P's
    moved = type(ds)(ds.pages, ds.posts, c)
    m = network.page_measures(moved)
    assert m.loc["Q", "edges"] == network.reply_graph(moved, page="Q").number_of_edges() == 2
    assert m.loc["P", "edges"] == 3


def test_responsiveness_by_hand(ds):
    r = network.responsiveness(ds, min_threads=1)
    # P: threads c1 (answered by c2 after 1 h) and c3 (never); Q: c4, answered by c6 3 h later
    assert r["threads"].tolist() == [2, 1] and r["answered_threads"].tolist() == [1, 1]
    assert r["answer_rate"].tolist() == [0.5, 1.0]
    assert r["median_hours_to_answer"].tolist() == [1.0, 3.0]
    assert r["questions"].tolist() == [1, 1] and r["question_answer_rate"].tolist() == [1.0, 1.0]
    assert r["citizen_replies"].tolist() == [0, 1]  # c5: b answers a
    # dyads: P ↔ a both ways, b → P only; Q: a → Q, Q → b, neither both ways
    assert r["reciprocity"].tolist() == [0.5, 0.0]
    t = network.threads(ds).set_index("comment_id")
    assert t["hours_to_answer"].dropna().to_dict() == {"c1": 1.0, "c4": 3.0}


def test_two_mode_and_co_commenting_graphs_by_hand(ds):
    B = network.bipartite_tables(ds).to_networkx()
    assert sorted(B.edges(data="weight")) == [("a", "P1", 1), ("a", "Q1", 1), ("b", "P1", 1), ("b", "Q1", 1)]
    assert B.nodes["Q1"]["page_id"] == "Q" and B.nodes["a"]["bipartite"] == 0
    C = network.commenter_tables(ds).to_networkx()  # a and b both commented on P1 and Q1
    assert list(C.edges(data="weight")) == [("a", "b", 2)]
    assert dict(C.nodes["a"]) == {"role": "citizen", "n_posts": 2, "n_comments": 2, "main_page": "P"}  # tie: P < Q


def test_top_actors_by_hand(ds):
    top = network.top_actors(network.reply_tables(ds), 2)
    assert list(top.index) == ["a", "b"]
    assert top["in_degree"].tolist() == [2, 1] and top["out_degree"].tolist() == [2, 2]
    pd.testing.assert_frame_equal(top, network.top_actors(network.reply_graph(ds), 2))


def test_centralisation_of_stars_cycles_and_self_loops():
    assert network.degree_centralisation(nx.star_graph(4)) == 1.0
    assert network.degree_centralisation(nx.cycle_graph(5)) == 0.0
    # a self-loop adds no neighbour: the star is still a star
    star = nx.DiGraph([(1, 0), (2, 0), (3, 0), (0, 0)])
    assert network.degree_centralisation(star) == 1.0
    assert math.isnan(network.degree_centralisation(nx.Graph()))
    m = network.graph_measures(star)
    assert m["reciprocity"] == 0.0  # a self-loop answers nothing, as networkx's overall_reciprocity
    assert m["density"] == pytest.approx(4 / 12)  # the self-loop counts as an edge, as nx.density


def test_graph_tables_from_networkx_keep_order_types_and_gaps():
    G = nx.DiGraph()
    G.add_node("x", role="page", share=0.5)
    G.add_node("y", role="citizen")
    G.add_edge("y", "x", weight=3, note="hej")
    G.add_edge("x", "y", weight=1)
    T = GraphTables.from_networkx(G)
    assert T.ids.tolist() == ["x", "y"] and (T.source.tolist(), T.target.tolist()) == ([0, 1], [1, 0])
    assert T.edges["weight"].values.dtype == np.int64 and T.nodes["share"].present.tolist() == [True, False]
    H = T.to_networkx()
    assert list(H.nodes(data=True)) == list(G.nodes(data=True)) and list(H.edges(data=True)) == list(G.edges(data=True))
    with pytest.raises(TypeError, match="multigraphs"):
        GraphTables.from_networkx(nx.MultiGraph([(1, 2)]))


def test_to_networkx_uses_one_attribute_dict_per_edge():
    T = GraphTables(np.array(["u", "v"], dtype=object), {}, np.array([0]), np.array([1]),
                    {"weight": Column(np.array([2]))}, directed=False)
    G = T.to_networkx()
    G["u"]["v"]["weight"] = 5  # one dict for both ends, as networkx keeps it
    assert G["v"]["u"]["weight"] == 5 and T.edges["weight"].values.tolist() == [2]


def test_betweenness_is_computed_once_per_networkx_graph_until_it_changes(ds, monkeypatch):
    G = network.reply_graph(ds)
    calls = []
    real = nx.betweenness_centrality
    monkeypatch.setattr(nx, "betweenness_centrality", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = network.top_actors(G, 4, by="betweenness", include_pages=True)
    network.top_actors(G, 4, by="in_degree")  # the report's second table of the same graph
    assert len(calls) == 1
    # shortest paths through another node: P→a→Q, P→a→Q→b, b→a→Q (a: 3); P→a→Q→b, a→Q→b (Q: 2);
    # Q→b→P, Q→b→a (b: 2); none through P; normalised by (4−1)(4−2) = 6
    assert first["betweenness"].to_dict() == pytest.approx({"a": 3 / 6, "Q": 2 / 6, "b": 2 / 6, "P": 0.0})
    G.add_edge("P", "Q")  # a change: computed again
    network.top_actors(G, 4, by="betweenness")
    assert len(calls) == 2

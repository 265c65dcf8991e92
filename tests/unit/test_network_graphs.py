"""Reply, two-mode and co-commenting graphs and their measures on the hand-built thread fixture."""

import math

import networkx as nx
import pandas as pd
import pytest

from kommunsocial import network

from .test_network_responsiveness import thread_dataset


@pytest.fixture(scope="module")
def ds():
    return thread_dataset()


@pytest.fixture(scope="module")
def G(ds):
    return network.reply_graph(ds)


def test_reply_edges_by_hand(G):
    # A1 a→P, A5 a→P (reply to the page's A3) | A3, A6 P→a | A2 b→a | A7 b→P | A8 c→P | A9 P→c |
    # B1 d→P |
    # B2 P→d | B3 c→d.  Not edges: A4 a→a and B4 P→P (self), A10 (no author), A11 (parent without
    # author), B5 (parent missing)
    assert sorted(G.edges(data="weight")) == [
        ("P", "a", 2), ("P", "c", 1), ("P", "d", 1), ("a", "P", 2), ("b", "P", 1), ("b", "a", 1),
        ("c", "P", 1), ("c", "d", 1), ("d", "P", 1)]
    assert G.edges["a", "P"]["first_at"] == pd.Timestamp("2024-01-10 09:00", tz="UTC")
    assert G.edges["a", "P"]["last_at"] == pd.Timestamp("2024-01-10 12:00", tz="UTC")
    assert G.graph == {"comments": 16, "comments_without_author": 1, "replies_to_missing_comment": 1,
                       "replies_to_unknown_author": 1, "self_replies": 2}


def test_reply_nodes_by_hand(G):
    # Q has no comments but is a page of the selection; the anonymous A10 is no node
    assert sorted(G.nodes) == ["P", "Q", "a", "b", "c", "d"]
    assert G.nodes["P"] == {"role": "page", "label": "Sjövik kommun", "n_comments": 5, "n_top_level": 1}
    assert G.nodes["Q"]["n_comments"] == 0 and G.nodes["Q"]["role"] == "page"
    # a wrote A1, A4, A5; b A2, A7, B5; c A8, B3; d A11, B1
    assert {v: G.nodes[v]["n_comments"] for v in "abcd"} == {"a": 3, "b": 3, "c": 2, "d": 2}
    assert all(G.nodes[v]["role"] == "citizen" and G.nodes[v]["n_top_level"] == 1 for v in "abcd")


def test_reply_graph_of_one_page(ds):
    H = network.reply_graph(ds, page="Fjordvik kommune")
    assert list(H.nodes) == ["Q"] and H.number_of_edges() == 0 and H.graph["comments"] == 0
    assert network.reply_graph(ds, page="P").number_of_edges() == 9


def test_graph_measures_by_hand(G):
    m = network.graph_measures(G)
    assert (m["nodes"], m["edges"], m["total_weight"]) == (6, 9, 11)
    assert m["density"] == pytest.approx(9 / 30)  # 9 of 6·5 possible directed edges
    # reciprocated edges a↔P, c↔P, d↔P: 6 of 9
    assert m["reciprocity"] == pytest.approx(6 / 9)
    assert m["components"] == 2 and m["largest_component_share"] == pytest.approx(5 / 6)  # Q apart
    # in-degrees P 4, a 2, d 2, c 1, b 0, Q 0: Σ(4 − d) = 0+2+2+3+4+4 = 15 over (6−1)² = 25
    assert m["degree_centralisation"] == pytest.approx(15 / 25)
    assert m["mean_degree"] == pytest.approx(18 / 6)


def test_page_measures_by_hand(ds):
    m = network.page_measures(ds)
    p, q = m.loc["P"], m.loc["Q"]
    assert (p["nodes"], p["edges"], p["page_in_degree"]) == (5, 9, 4)
    assert p["density"] == pytest.approx(9 / 20)
    assert p["degree_centralisation"] == pytest.approx(11 / 16)  # Σ(4 − d) = 0+2+2+3+4 over 4²
    assert p["edges_to_page_share"] == pytest.approx(4 / 9)
    assert (q["nodes"], q["edges"]) == (1, 0)
    assert math.isnan(q["density"]) and math.isnan(q["degree_centralisation"])


def test_degree_centralisation_of_stars_and_regular_graphs():
    assert network.degree_centralisation(nx.star_graph(5)) == 1.0
    assert network.degree_centralisation(nx.complete_graph(5)) == 0.0
    # in-star: 3 nodes point at 0: in-degrees 3,0,0,0 → Σ(3 − d) = 9 over (4−1)² = 9 → 1;
    # the out-star has in-degrees 0,1,1,1 → Σ(1 − d) = 1 over 9
    assert network.degree_centralisation(nx.DiGraph([(1, 0), (2, 0), (3, 0)])) == 1.0
    assert network.degree_centralisation(nx.DiGraph([(0, 1), (0, 2), (0, 3)])) == pytest.approx(1 / 9)
    assert math.isnan(network.degree_centralisation(nx.Graph([(0, 1)])))  # (n−1)(n−2) = 0


def test_top_actors_by_hand(G):
    top = network.top_actors(G, 3)
    # citizens by in-degree: a 2 (b, P), d 2 (P, c), c 1 (P); ties by id
    assert list(top.index) == ["a", "d", "c"]
    assert top["weighted_in_degree"].tolist() == [3, 2, 1]  # a: b→a 1 + P→a 2
    # every shortest path between two citizens runs through P: 7 of them (a→c, a→d, b→c, b→d, c→a,
    # d→a, d→c), normalised by (6−1)(6−2) = 20; citizens lie on none
    both = network.top_actors(G, 6, include_pages=True, by="betweenness")
    assert both.index[0] == "P" and both.loc["P", "betweenness"] == pytest.approx(7 / 20)
    assert (both.drop(index="P")["betweenness"] == 0).all()
    with pytest.raises(ValueError, match="by must be"):
        network.top_actors(G, by="pagerank")


def test_bipartite_graph_by_hand(ds):
    B = network.bipartite_graph(ds)
    # a: A1, A4, A5 under A | b: A2, A7 under A, B5 under B | c: A8 / B3 | d: A11 / B1
    assert sorted(B.edges(data="weight")) == [("a", "A", 3), ("b", "A", 2), ("b", "B", 1), ("c", "A", 1),
                                              ("c", "B", 1), ("d", "A", 1), ("d", "B", 1)]
    assert B.nodes["A"]["bipartite"] == 1 and B.nodes["A"]["post_type"] == "photo"
    assert B.nodes["a"] == {"bipartite": 0, "role": "citizen", "n_comments": 3}
    assert B.graph["comments_without_author"] == 1
    assert "P" not in B and "P" in network.bipartite_graph(ds, include_pages=True)


def test_bipartite_graph_carries_tone(ds):
    import kommunsocial as ks

    posts = ds.posts.assign(tone=["formal", "conversational", "formal"])
    B = network.bipartite_graph(ks.Dataset(ds.pages, posts, ds.comments))
    assert B.nodes["B"]["tone"] == "conversational"


def test_commenter_graph_by_hand(ds):
    # posts: a {A}, b {A, B}, c {A, B}, d {A, B} → b–c, b–d, c–d share 2 posts, a shares 1 with each
    C = network.commenter_graph(ds)
    assert sorted(C.edges(data="weight")) == [("b", "c", 2), ("b", "d", 2), ("c", "d", 2)]
    assert C.graph["commenters"] == 4 and C.nodes["b"]["n_posts"] == 2 and C.nodes["b"]["main_page"] == "P"
    C1 = network.commenter_graph(ds, min_weight=1)
    assert C1.number_of_edges() == 6 and C1["a"]["b"]["weight"] == 1
    with pytest.raises(ValueError, match="min_weight"):
        network.commenter_graph(ds, min_weight=0)


def two_cliques():
    G = nx.Graph()
    G.add_edges_from(nx.complete_graph(["a", "b", "c", "d"]).edges, weight=1)
    G.add_edges_from(nx.complete_graph(["e", "f", "g", "h"]).edges, weight=1)
    G.add_edge("d", "e", weight=1)
    return G


@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_communities_of_two_cliques(method):
    comm = network.communities(two_cliques(), seed=0, method=method)
    assert comm.to_dict() == {**dict.fromkeys("abcd", 0), **dict.fromkeys("efgh", 1)}
    # m = 13 edges; each community: 6 edges inside, degree sum 13 → Q = 2·(6/13 − (13/26)²) = 11/26
    assert comm.attrs["modularity"] == pytest.approx(11 / 26)
    assert comm.attrs["method"] == method


def test_communities_are_seeded_and_directed_graphs_are_symmetrised():
    G = nx.gnm_random_graph(200, 600, seed=4)
    assert network.communities(G, seed=1).equals(network.communities(G, seed=1))
    D = nx.DiGraph()
    D.add_edge("a", "b", weight=2)
    D.add_edge("b", "a", weight=3)
    D.add_edge("c", "d", weight=1)
    comm = network.communities(D)
    assert comm["a"] == comm["b"] != comm["c"] == comm["d"]
    table = network.community_table(D, comm)
    assert table["internal_weight"].tolist() == [5.0, 1.0]  # 2 + 3 summed; 1


def test_community_table_by_hand():
    G = two_cliques()
    t = network.community_table(G, network.communities(G), n_members=1)
    assert t["size"].tolist() == [4, 4] and t["share"].tolist() == [0.5, 0.5]
    assert t["internal_weight"].tolist() == [6.0, 6.0]
    assert t["members"].tolist() == ["d", "e"]  # the bridge ends have the highest degree (4)

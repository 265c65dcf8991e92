"""GEXF / GraphML / CSV export: attributes survive a round trip through networkx's readers."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from kommunsocial import network

from .test_network_responsiveness import thread_dataset


@pytest.fixture(scope="module")
def G():
    return network.reply_graph(thread_dataset())


def test_gexf_round_trip_keeps_attributes(G, tmp_path):
    path = network.export(G, tmp_path / "reply.gexf")
    back = nx.read_gexf(path)
    assert back.is_directed()
    assert sorted(back.edges) == sorted(G.edges)
    assert back.nodes["P"]["label"] == "Sjövik kommun"
    assert back.nodes["P"]["role"] == "page" and back.nodes["a"]["role"] == "citizen"
    assert back.nodes["a"]["n_comments"] == 3 and isinstance(back.nodes["a"]["n_comments"], int)
    e = back.edges["a", "P"]
    assert e["weight"] == 2
    assert e["first_at"] == "2024-01-10T09:00:00+00:00" and e["last_at"] == "2024-01-10T12:00:00+00:00"
    assert pd.Timestamp(e["first_at"]) == G.edges["a", "P"]["first_at"]


def test_graphml_round_trip_keeps_attributes(G, tmp_path):
    back = nx.read_graphml(network.export(G, tmp_path / "reply.graphml"))
    assert back.nodes["Q"] == {"role": "page", "label": "Fjordvik kommune", "n_comments": 0, "n_top_level": 0}
    assert back.edges["P", "a"]["weight"] == 2 and back.edges["P", "a"]["first_at"] == "2024-01-10T11:00:00+00:00"
    assert back.graph["self_replies"] == 2


def test_csv_edge_list(G, tmp_path):
    table = pd.read_csv(network.export(G, tmp_path / "edges.csv"))
    assert list(table.columns) == ["source", "target", "first_at", "last_at", "weight"]
    assert len(table) == 9 and table["weight"].sum() == 11


def test_attributes_are_typed_for_gephi(tmp_path):
    G = nx.Graph()
    G.add_node(1, share=np.float64(0.5), count=np.int64(3), missing=np.nan, none=None, nat=pd.NaT,
               flag=np.bool_(True), tags=["a", "b"])
    G.add_node(2, share=1, count=4)  # int and float mixed in one attribute → float
    G.add_edge(1, 2, weight=np.int32(2), when=pd.Timestamp("2024-05-01 10:00", tz="UTC"))
    back = nx.read_gexf(network.export(G, tmp_path / "typed.gexf"))
    assert back.nodes["1"] == {"share": 0.5, "count": 3, "flag": True, "tags": "a, b", "label": "1"}
    assert back.nodes["2"]["share"] == 1.0 and isinstance(back.nodes["2"]["share"], float)
    assert back.edges["1", "2"]["when"] == "2024-05-01T10:00:00+00:00"
    assert back.edges["1", "2"]["weight"] == 2


def test_unknown_extension_and_bad_input(G, tmp_path):
    with pytest.raises(ValueError, match="unknown graph format '.net'"):
        network.export(G, tmp_path / "g.net")
    with pytest.raises(TypeError, match="networkx graph"):
        network.export(pd.DataFrame(), tmp_path / "g.gexf")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_export_files_skips_empty_graphs_and_tables(G, tmp_path):
    listing = network.export_files({"reply.gexf": G, "empty.gexf": nx.DiGraph(), "table.csv": pd.DataFrame(),
                                    "resp.csv": network.responsiveness(thread_dataset())}, tmp_path / "out")
    assert [p.split("/")[-1] for p in listing["file"]] == ["reply.gexf", "resp.csv"]
    assert listing["edges"].tolist() == [9, 2]  # 9 edges; 2 table rows (pages P and Q)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["reply.gexf", "resp.csv"]


def test_a_graph_too_large_for_gexf_is_exported_as_node_and_edge_tables(G, tmp_path, monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("kommunsocial.network.export"), "MAX_XML_EDGES", 5)  # G has 9 edges
    listing = network.export_files({"reply.gexf": G}, tmp_path)
    assert [p.split("/")[-1] for p in listing["file"]] == ["reply.nodes.csv", "reply.edges.csv"]
    assert listing["note"].str.contains("9 edges: too many for GEXF").all()
    edges = pd.read_csv(tmp_path / "reply.edges.csv", dtype=str)
    assert len(edges) == 9 and edges.columns[:3].tolist() == ["Source", "Target", "Type"]
    assert set(edges["Type"]) == {"Directed"}
    nodes = pd.read_csv(tmp_path / "reply.nodes.csv", dtype=str)
    assert sorted(nodes["Id"]) == sorted(str(n) for n in G.nodes)
    assert not (tmp_path / "reply.gexf").exists()

"""Notebook 04 on a dataset without comments (a sentence in every section) and on one municipality."""

import json
from pathlib import Path

import networkx as nx
import pandas as pd

import kommunsocial as ks
from kommunsocial.network.plots import NO_COMMENTS
from kommunsocial.report.render import markdown_text

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04-interaction-network.ipynb"


def _outputs(executed: Path):
    nb = json.loads(executed.read_text())
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _clean(html_path: Path):
    outputs = _outputs(html_path.with_suffix(".ipynb"))
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"]
    html = html_path.read_text()
    assert "Traceback" not in html and "Warning" not in html
    return html, outputs


def test_parameters_include_the_standard_five_and_out_dir():
    import papermill as pm

    params = pm.inspect_notebook(str(NOTEBOOK))
    assert {"dataset", "municipality", "start", "end", "data_dir", "out_dir", "max_nodes_drawn"} == set(params)
    assert params["max_nodes_drawn"]["default"] == "300" and params["out_dir"]["default"] == '""'


def test_a_dataset_without_comments_gives_sentences_not_errors(sample_dataset, tmp_path):
    data = tmp_path / "data"
    ks.Dataset(sample_dataset.pages, sample_dataset.posts, sample_dataset.comments.iloc[:0]).save(data)
    out = tmp_path / "exports"
    page = ks.report.run.run_notebook(NOTEBOOK, tmp_path / "reports",
                                   parameters={"data_dir": str(data), "out_dir": str(out)})
    html, outputs = _clean(page)
    markdown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    # overview, responsiveness figure and table, time to answer, reply network, page measures, degree
    # distribution, two top-actor tables, communities: the same sentence; exports: nothing written
    assert sum(markdown_text(NO_COMMENTS) in "".join(m) for m in markdown) == 10  # shown escaped, as all notes
    assert "Nothing was exported" in html
    assert "<img" not in html
    assert not out.exists()


def test_one_municipality_is_drawn_and_exported(sample_dataset, sample_processed, tmp_path):
    resp = ks.network.responsiveness(sample_dataset)
    code = sample_dataset.pages.set_index("page_id").loc[resp["threads"].idxmax(), "municipality_code"]
    page_id = sample_dataset.pages.set_index("municipality_code").loc[code, "page_id"]
    out = tmp_path / "exports"
    page = ks.report.run.run_notebook(NOTEBOOK, tmp_path / "reports", parameters={
        "data_dir": str(sample_processed), "municipality": code, "out_dir": str(out), "max_nodes_drawn": 120})
    html, _ = _clean(page)
    name = sample_dataset.pages.set_index("page_id").loc[page_id, "page_name"]
    assert name in html
    assert html.count("<img") == 4  # responsiveness, time to answer, reply network, degree distribution
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(["reply_network.gexf", f"reply_network_{code}.gexf", "cocommenting_network.gexf",
                            "commenter_post_network.graphml", "reply_edges.csv", "responsiveness.csv"])
    G = nx.read_gexf(out / f"reply_network_{code}.gexf")
    assert G.nodes[page_id]["label"] == name and G.nodes[page_id]["role"] == "page"
    table = pd.read_csv(out / "responsiveness.csv", dtype={"page_id": str})
    assert table["page_id"].tolist() == [page_id]
    assert table["threads"].tolist() == [int(resp.loc[page_id, "threads"])]


def test_large_reply_networks_are_drawn_as_the_page_and_its_most_active_commenters(sample_dataset):
    from kommunsocial.network import plots

    G = ks.network.reply_graph(sample_dataset, page=ks.network.most_commented_page(sample_dataset))
    n_citizens = G.number_of_nodes() - 1
    fig = plots.reply_network(G, max_nodes=50)
    ax = fig.axes[0]
    assert ax.get_title() == f"Who replies to whom: the page and the 49 most active of {n_citizens:,} commenters"
    small = ks.network.reply_graph(sample_dataset, page=sample_dataset.pages["page_id"].iloc[0])
    assert "most active" not in plots.reply_network(small, max_nodes=10_000).axes[0].get_title()


def test_dense_reply_networks_are_drawn_without_arrowheads(sample_dataset, monkeypatch):
    from matplotlib.collections import LineCollection
    from matplotlib.patches import FancyArrowPatch

    from kommunsocial.network import plots

    G = ks.network.reply_graph(sample_dataset, page=ks.network.most_commented_page(sample_dataset))
    drawn = plots.reply_network(G, max_nodes=80)
    arrows = [p for p in drawn.axes[0].patches if isinstance(p, FancyArrowPatch)]
    assert arrows and not any("no arrowheads" in t.get_text() for t in drawn.axes[0].get_legend().get_texts())
    monkeypatch.setattr(plots, "MAX_ARROWS", len(arrows) - 1)
    dense = plots.reply_network(G, max_nodes=80)
    ax = dense.axes[0]
    assert not [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection)) == len(arrows)
    assert any(t.get_text() == f"({len(arrows):,} replies: no arrowheads)" for t in ax.get_legend().get_texts())

"""Figures and display tables of the interaction-network report; each says so in a sentence when there is no data."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..report.render import note as _md
from ..report.render import table as _table
from ..report.style import MAX_PAGES_DRAWN, NEUTRAL, OTHER_COLOURS, log_axis, setup
from .measures import community_table, degrees, page_measures, top_actors
from .summary import comment_overview
from .tables import GraphTables

__all__ = ["overview", "responsiveness_table", "responsiveness", "time_to_answer", "reply_network",
           "degree_distribution", "communities_summary", "communities_table", "measures_table", "actors_table",
           "exports_table", "wilson_interval", "NO_COMMENTS"]

#: What every section says when the dataset has no comments at all.
NO_COMMENTS = ("This dataset has no comments (CrowdTangle exports, for example, have none), so there are no "
               "threads, answers or replies to analyse here.")
#: ECDFs per page up to this many pages, one pooled curve above.
MAX_PAGES_ECDF = 12
_HOUR_TICKS = [(1 / 6, "10 min"), (1, "1 h"), (6, "6 h"), (24, "1 day"), (7 * 24, "1 week"), (30 * 24, "30 days")]


def _done(fig):
    """Close ``fig`` so the notebook shows it once, as the cell's result."""
    fig.tight_layout()
    plt.close(fig)
    return fig


def overview(ds):
    """:func:`~kommunsocial.network.comment_overview`, or :data:`NO_COMMENTS` when there are none."""
    if not len(ds.comments):
        return _md(NO_COMMENTS)
    out = comment_overview(ds)
    out["value"] = [f"{v:,}" for v in out["value"]]
    return _table(out)


def wilson_interval(k, n, z: float = 1.96):
    """Wilson's score interval for a proportion k/n (Wilson 1927), as (low, high) arrays; NaN where n = 0.

    >>> [round(float(x), 3) for x in wilson_interval(5, 10)]
    [0.237, 0.763]
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def responsiveness_table(resp: pd.DataFrame):
    """The responsiveness table for reading: per page, rates in %, hours rounded, page names as index."""
    if resp.empty or resp["threads"].sum() == 0:
        return _md(NO_COMMENTS if resp.empty or resp["citizen_comments"].sum() == 0 else
                   "Citizens wrote no top-level comments here, so there are no threads to answer.")
    out = pd.DataFrame(index=resp["page_name"] if "page_name" in resp else resp.index)
    out.index.name = "page"
    out["threads"] = resp["threads"].to_numpy()
    out["answered %"] = (100 * resp["answer_rate"]).round(1).to_numpy()
    out["questions"] = resp["questions"].to_numpy()
    out["questions answered %"] = (100 * resp["question_answer_rate"]).round(1).to_numpy()
    out["median hours"] = resp["median_hours_to_answer"].round(1).to_numpy()
    out["90th pct hours"] = resp["p90_hours_to_answer"].round(1).to_numpy()
    out["page's share of comments %"] = (100 * resp["page_comment_share"]).round(1).to_numpy()
    out["citizen-to-citizen replies %"] = (100 * resp["citizen_reply_share"]).round(1).to_numpy()
    out["reciprocity"] = resp["reciprocity"].round(2).to_numpy()
    out["mode"] = resp["dialogue"].fillna("too few threads").to_numpy()
    return _table(out.sort_index())


def responsiveness(resp: pd.DataFrame):
    """Dot plot per page: share of threads answered (with 95 % Wilson intervals) and hours to answer."""
    if resp.empty or resp["threads"].sum() == 0:
        return responsiveness_table(resp)
    if resp.loc[resp["threads"] > 0, "answer_rate"].isna().all():
        return _md("This export does not say who wrote the comments (no author names or ids), so the pages' "
                   "answers cannot be told from the citizens' comments: answer rates and times to answer are "
                   "not available.")
    if resp["answered_threads"].sum() == 0:
        # no answer, no time to answer: a log axis of hours would have nothing to show
        return _md(f"The pages never answered any of the citizens' {int(resp['threads'].sum()):,} threads here, "
                   f"so every answer rate is 0 % and there is no time to answer to show.")
    setup()
    data = resp[resp["threads"] > 0].copy()
    data["label"] = data["page_name"].astype(str) if "page_name" in data else data.index.astype(str)
    data = data.sort_values(["answer_rate", "label"], ascending=[True, True])
    low, high = wilson_interval(data["answered_threads"], data["threads"])
    mode = data["dialogue"].fillna("too few threads").astype(str)
    colours = dict(zip(["dialogue", "one-way", "too few threads"], OTHER_COLOURS[:3]))
    if len(data) > MAX_PAGES_DRAWN:
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
        axes[0].hist(100 * data["answer_rate"], bins=20, color=colours["dialogue"])
        axes[0].set_xlabel("threads answered by the page (%)")
        axes[0].set_ylabel("pages")
        hours = data["median_hours_to_answer"].dropna()
        axes[1].hist(hours, bins=np.geomspace(max(hours.min(), 0.05), hours.max() + 1, 20) if len(hours) else 10,
                     color=colours["one-way"])
        axes[1].set_xscale("log")
        log_axis(axes[1], [t for t, _ in _HOUR_TICKS], [lab for _, lab in _HOUR_TICKS])  # 1 h, not 3.4×10⁰
        axes[1].set_xlabel("median hours to the page's first answer")
        fig.suptitle(f"Responsiveness of {len(data)} pages")
        return _done(fig)
    y = np.arange(len(data))
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.36 * len(data) + 1.9), sharey=True,
                             gridspec_kw={"width_ratios": [1.1, 1]})
    ax = axes[0]
    ax.hlines(y, 100 * low, 100 * high, color="0.6", lw=1.5)
    ax.scatter(100 * data["answer_rate"], y, c=[colours[m] for m in mode], s=46, zorder=3)
    ax.set_yticks(y, data["label"])
    ax.set_xlim(0, 100)
    ax.set_xlabel("threads answered by the page (%)\nline: 95 % interval")
    ax = axes[1]
    ax.scatter(data["median_hours_to_answer"], y, c=[colours[m] for m in mode], s=46, zorder=3, label="median")
    ax.scatter(data["p90_hours_to_answer"], y, facecolors="none", edgecolors="0.35", s=40, zorder=3,
               label="90th percentile")
    ax.set_xscale("log")
    ticks = [t for t, _ in _HOUR_TICKS]
    ax.set_xticks(ticks, [lab for _, lab in _HOUR_TICKS])
    hours = pd.concat([data["median_hours_to_answer"], data["p90_hours_to_answer"]]).dropna()
    if len(hours):
        ax.set_xlim(min(hours.min() / 1.6, 0.5), max(hours.max() * 1.6, 48))
    ax.set_xlabel("hours to the page's first answer in a thread")
    handles = [Line2D([], [], marker="o", ls="", color=c, label=m) for m, c in colours.items() if m in set(mode)]
    handles += [Line2D([], [], marker="o", ls="", markerfacecolor="none", markeredgecolor="0.35",
                       label="90th percentile")]
    fig.legend(handles=handles, loc="upper center", ncols=len(handles), frameon=False, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    plt.close(fig)
    return fig


def time_to_answer(thread_table: pd.DataFrame, names: pd.Series | None = None):
    """ECDF of the hours from a thread's start to the page's first answer, per page (or pooled)."""
    answered = thread_table[thread_table["answered"]]
    if not len(thread_table):
        return _md(NO_COMMENTS)
    if not len(answered) and thread_table["author_id"].isna().all():
        return _md("This export does not say who wrote the comments, so the pages' answers, and the time they "
                   "took, cannot be told.")
    if not len(answered):
        return _md("The pages answered none of the citizens' threads here, so there is no time to answer to show.")
    setup()
    fig, ax = plt.subplots(figsize=(9, 4.6))
    hours = answered["hours_to_answer"].clip(lower=1 / 60)  # an answer within a minute is drawn at one minute
    pages = answered["page_id"].astype(str)
    if pages.nunique() <= MAX_PAGES_ECDF:
        label = (names.reindex(pages.unique()) if names is not None else pd.Series(pages.unique(),
                                                                                    index=pages.unique()))
        palette = OTHER_COLOURS  # seven colours (not the tones'); line styles tell the 8th to 12th apart
        styles = ["-", "--", ":", "-."]
        for i, (page, h) in enumerate(sorted(hours.groupby(pages), key=lambda kv: kv[1].median())):
            ax.ecdf(h, color=palette[i % len(palette)], ls=styles[i // len(palette) % 4], lw=1.8,
                    label=f"{label.get(page, page)} (n={len(h)})")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    else:
        ax.ecdf(hours, color=OTHER_COLOURS[0], lw=2, label=f"all pages (n={len(hours)})")
        ax.legend(loc="lower right", frameon=False)
    ax.set_xscale("log")
    ax.set_xticks([t for t, _ in _HOUR_TICKS], [lab for _, lab in _HOUR_TICKS])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("time from a citizen's comment to the page's first answer in the thread")
    ax.set_ylabel("share of answered threads")
    return _done(fig)


def _largest_part(G, max_nodes):
    pages = [v for v, r in G.nodes(data="role") if r == "page"]
    if G.number_of_nodes() <= max_nodes:
        return G, False
    strength = dict(G.degree(weight="weight"))
    citizens = sorted((v for v in G if v not in set(pages)), key=lambda v: (-strength[v], str(v)))
    keep = set(pages + citizens[:max(max_nodes - len(pages), 0)])
    # nodes and edges in the graph's own order (a subgraph view lists them in the order of a set of
    # ids, which changes from one Python process to the next, and the layout with it)
    H = G.__class__()
    H.graph.update(G.graph)
    H.add_nodes_from((v, dict(d)) for v, d in G.nodes(data=True) if v in keep)
    H.add_edges_from((u, v, dict(d)) for u, v, d in G.edges(data=True) if u in keep and v in keep)
    return H, True


#: Above this many edges a drawn reply network has straight lines without arrowheads: thousands
#: of arrowheads are unreadable, and drawing each as its own patch takes many seconds.
MAX_ARROWS = 1500


def reply_network(G, *, max_nodes: int = 300, seed: int = 0, title: str = ""):
    """Draw a reply graph with the page highlighted; above ``max_nodes`` nodes, the page and its most
    active commenters (by replies sent and received) only, and the title says so. Above
    :data:`MAX_ARROWS` edges the lines have no arrowheads (the legend says so); the colours still
    tell replies to the page from the page's answers."""
    if G.graph.get("comments") == 0:
        return _md(NO_COMMENTS)
    if G.number_of_edges() == 0:
        return _md("There are no replies to draw here: every comment lacked an author or a known parent.")
    setup()
    H, cut = _largest_part(G, max_nodes)
    H.remove_nodes_from([v for v in list(H) if H.degree(v) == 0 and H.nodes[v].get("role") != "page"])
    palette = OTHER_COLOURS  # not the tones' colours: a page is neither formal nor conversational
    pos = nx.spring_layout(H.to_undirected(), seed=seed, k=1.6 / np.sqrt(max(H.number_of_nodes(), 1)),
                           iterations=80)
    fig, ax = plt.subplots(figsize=(9, 7.5))
    pages = [v for v, r in H.nodes(data="role") if r == "page"]
    citizens = [v for v in H if v not in set(pages)]
    kinds = {"to the page": ([], NEUTRAL), "page answers": ([], palette[1]), "between citizens": ([], palette[0])}
    for u, v in H.edges:
        key = "page answers" if u in pages else "to the page" if v in pages else "between citizens"
        kinds[key][0].append((u, v))
    sizes = [12 + 10 * np.sqrt(H.nodes[v].get("n_comments", 1)) for v in citizens]
    order, margins = citizens + pages, sizes + [520] * len(pages)  # arrows stop at the node's rim
    arrows = H.number_of_edges() <= MAX_ARROWS
    for key, (edges, colour) in kinds.items():
        widths = [0.6 + 0.5 * np.log1p(H[u][v].get("weight", 1)) for u, v in edges]
        heads = {"arrowsize": 7, "nodelist": order, "node_size": margins} if arrows else {}
        nx.draw_networkx_edges(H, pos, edgelist=edges, ax=ax, edge_color=[colour], width=widths, alpha=0.55,
                               arrows=arrows, **heads)
    nx.draw_networkx_nodes(H, pos, nodelist=citizens, node_size=sizes, node_color=[palette[0]], ax=ax,
                           linewidths=0)
    nx.draw_networkx_nodes(H, pos, nodelist=pages, node_size=520, node_color=[palette[1]], ax=ax,
                           edgecolors="black", linewidths=1.2)
    for p in pages:
        x, y = pos[p]
        ax.annotate(H.nodes[p].get("label", p), (x, y), xytext=(0, 16), textcoords="offset points", ha="center",
                    fontsize=11, fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": palette[1], "alpha": 0.9})
    handles = [Line2D([], [], color=c, lw=2, label=k) for k, (e, c) in kinds.items() if e]
    if not arrows:
        handles.append(Line2D([], [], color="none", label=f"({H.number_of_edges():,} replies: no arrowheads)"))
    handles.insert(0, Line2D([], [], marker="o", ls="", markersize=11, markerfacecolor=palette[1],
                             markeredgecolor="black", label="page"))
    handles.insert(1, Line2D([], [], marker="o", ls="", markersize=6, color=palette[0],
                             label="commenter (size: comments)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncols=3, frameon=False)
    n_cit = sum(1 for _, r in G.nodes(data="role") if r != "page")
    ax.set_title(title or ("Who replies to whom" + (f": the page and the {len(citizens)} most active of "
                                                    f"{n_cit:,} commenters" if cut else f" ({n_cit:,} commenters)")))
    ax.axis("off")
    return _done(fig)


def _citizen_degrees(G):
    """In- and out-degrees (:func:`~kommunsocial.network.degrees`) of the nodes whose role is not
    "page", in node order."""
    T = G if isinstance(G, GraphTables) else GraphTables.from_networkx(G, node_attributes=["role"], edge_attributes=[])
    n = T.number_of_nodes()
    citizen = np.ones(n, dtype=bool)
    if "role" in T.nodes:
        citizen &= ~(T.nodes["role"].mask(n) & (np.asarray(T.nodes["role"].values, dtype=object) == "page"))
    into, out = degrees(T)
    return into[citizen], out[citizen]


def degree_distribution(G):
    """Complementary cumulative distribution of commenters' in- and out-degree, on log–log axes.

    ``G`` is a reply graph: a networkx DiGraph or :class:`~kommunsocial.network.tables.GraphTables`."""
    if G.graph.get("comments") == 0:
        return _md(NO_COMMENTS)
    degrees = _citizen_degrees(G)
    if G.number_of_edges() == 0 or not len(degrees[0]):
        return _md("There are no replies here, so there is no degree distribution to show.")
    setup()
    fig, ax = plt.subplots(figsize=(8, 4.4))
    palette = OTHER_COLOURS  # not the tones' colours: in- and out-degree have no tone
    for (name, d), colour, marker in zip((("in-degree: people who replied to them", degrees[0]),
                                          ("out-degree: people they replied to", degrees[1])),
                                         palette[:2], ("o", "s")):
        d = d[d > 0]
        if not len(d):
            continue
        values = np.unique(d)
        ccdf = np.array([(d >= k).mean() for k in values])
        ax.plot(values, ccdf, marker=marker, ls="-", color=colour, ms=5, label=f"{name} (n={len(d):,})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    # plain numbers (1, 10, 100; 0.1, 0.01), not 10⁰ and 10⁻¹
    log_axis(ax, [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000], axis="x")
    log_axis(ax, [0.00001, 0.0001, 0.001, 0.01, 0.1, 1], ["0.00001", "0.0001", "0.001", "0.01", "0.1", "1"], axis="y")
    ax.set_xlabel("degree k (distinct actors, the page included)")
    ax.set_ylabel("share of commenters with degree ≥ k")
    ax.legend(frameon=False)
    return _done(fig)


def communities_summary(graph, labels: pd.Series):
    """One sentence: how many communities, their modularity, how much of the graph the largest holds."""
    if graph.graph.get("comments") == 0:
        return _md(NO_COMMENTS)
    if graph.number_of_edges() == 0 or labels.empty:
        return _md(f"No two commenters commented on at least {graph.graph.get('min_weight', 2)} of the same posts, "
                   f"so there are no co-commenting communities to find.")
    sizes = labels.value_counts()
    method = {"louvain": "Louvain", "leiden": "Leiden"}.get(labels.attrs.get("method"), "modularity")
    return _md(f"{method} found {len(sizes):,} communities among {len(labels):,} commenters tied by at least "
               f"{graph.graph.get('min_weight', 2)} shared posts (modularity {labels.attrs.get('modularity'):.2f}); "
               f"the largest holds {sizes.iloc[0]:,} commenters ({100 * sizes.iloc[0] / len(labels):.0f} %).")


def measures_table(ds):
    """:func:`~kommunsocial.network.page_measures` for reading (page names as index), or a sentence."""
    if not len(ds.comments):
        return _md(NO_COMMENTS)
    m = page_measures(ds)
    out = pd.DataFrame({
        "nodes": m["nodes"], "edges": m["edges"], "density": m["density"].round(4),
        "reciprocity": m["reciprocity"].round(2), "in-degree centralisation": m["degree_centralisation"].round(2),
        "people replying to the page": m["page_in_degree"],
        "edges to the page %": (100 * m["edges_to_page_share"]).round(1),
    })
    out.index = pd.Index(m["page_name"].astype(str), name="page")
    return _table(out.sort_index())


def actors_table(G, n: int = 10, *, by: str = "in_degree", seed: int = 0):
    """:func:`~kommunsocial.network.top_actors` (citizens, by pseudonym) for reading, or a sentence."""
    if G.graph.get("comments") == 0:
        return _md(NO_COMMENTS)
    if G.number_of_edges() == 0:
        return _md("There are no replies here, so no commenter stands out.")
    out = top_actors(G, n, by=by, seed=seed)
    out["betweenness"] = out["betweenness"].astype(float).round(3)  # 0.023, not 2.27e-02
    return _table(out.drop(columns="role"))


def communities_table(graph, labels: pd.Series, page_names=None, *, n: int = 10):
    """The ``n`` largest communities (:func:`~kommunsocial.network.community_table`), the page most of their
    members comment on named, or nothing when there are no communities (the summary sentence says why)."""
    if graph.number_of_edges() == 0 or labels.empty:
        return None
    out = community_table(graph, labels).head(n)
    out["share"] = (100 * out["share"]).round(1)
    weight = out["internal_weight"]
    if (weight == weight.round()).all():  # counts of shared posts: shown as whole numbers
        out["internal_weight"] = weight.round().astype("int64")
    out = out.rename(columns={"share": "share %", "internal_weight": "shared posts inside",
                              "members": "most connected members", "main_page": "page most commented on"})
    if page_names is not None:
        names = pd.Series(page_names).astype(str)
        out["page most commented on"] = out["page most commented on"].map(lambda p: names.get(p, p))
    return _table(out)


def exports_table(listing: pd.DataFrame):
    """The files :func:`~kommunsocial.network.export_files` wrote, or a sentence when it wrote none."""
    if listing is None or not len(listing):
        return _md("Nothing was exported: there are no replies or threads in this selection.")
    out = listing.copy()
    out["folder"] = [str(Path(f).parent) for f in out["file"]]
    out["file"] = [Path(f).name for f in out["file"]]
    return _table(out.set_index("file"))

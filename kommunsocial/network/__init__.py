"""Interaction networks and responsiveness: who answers whom under municipalities' posts, how often, how fast.

>>> import kommunsocial as ks
>>> ds = ks.Dataset.read("data/processed/sample")            # doctest: +SKIP
>>> ks.network.responsiveness(ds)                            # doctest: +SKIP
>>> ks.network.export(ks.network.reply_graph(ds), "reports/sample/reply.gexf")  # doctest: +SKIP
"""

from __future__ import annotations

from ._threads import comment_table, threads
from .export import clean_attributes, export, export_files
from .graphs import bipartite_graph, bipartite_tables, commenter_graph, commenter_tables, reply_graph, reply_tables
from .measures import (
    communities,
    community_table,
    degree_centralisation,
    degrees,
    graph_measures,
    page_measures,
    top_actors,
)
from .questions import is_question
from .responsiveness import responsiveness
from .summary import comment_overview, most_commented_page
from .tables import GraphTables

__all__ = [
    "reply_graph",
    "bipartite_graph",
    "commenter_graph",
    "reply_tables",
    "bipartite_tables",
    "commenter_tables",
    "GraphTables",
    "responsiveness",
    "threads",
    "comment_table",
    "graph_measures",
    "page_measures",
    "degree_centralisation",
    "degrees",
    "top_actors",
    "communities",
    "community_table",
    "export",
    "export_files",
    "clean_attributes",
    "is_question",
    "comment_overview",
    "most_commented_page",
    "plots",
]


def __getattr__(name):
    # matplotlib is imported only when a figure is asked for
    if name == "plots":
        import importlib

        module = importlib.import_module(".plots", __name__)
        globals()["plots"] = module
        return module
    raise AttributeError(f"module 'kommunsocial.network' has no attribute {name!r}")

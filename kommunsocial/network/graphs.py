"""Interaction graphs built from comment threads: reply, commenter–post and co-commenting graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from ._threads import check_dataset, comment_table

__all__ = ["reply_graph", "bipartite_graph", "commenter_graph", "reply_edges"]


def _select(dataset, page):
    ds = check_dataset(dataset)
    return ds if page in (None, "", []) else ds.select(page=page)


def reply_edges(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Reply edges of a :func:`~kommunsocial.network._threads.comment_table`, and what could not be an edge.

    A comment is an edge from its author to the author of the comment it replies to; a top-level
    comment is an edge to the page whose post it is under. Returns the edge list (``source``,
    ``target``, ``created_at``, ``page_id``, one row per comment) and the counts of comments that
    are not edges: ``comments_without_author``, ``replies_to_unknown_author`` (the parent's author is
    missing), ``replies_to_missing_comment`` (the parent is not in the table) and ``self_replies``
    (source = target, such as a page's top-level comment under its own post).
    """
    top = table["parent_id"].isna().to_numpy()
    target = table["parent_node"].where(~top, table["page_id"]).astype("string")
    no_author = table["node"].isna().to_numpy()
    missing_parent = table["parent_missing"].to_numpy(dtype=bool)
    unknown_parent = ~top & ~missing_parent & target.isna().to_numpy()
    self_reply = (table["node"] == target).fillna(False).to_numpy(dtype=bool)
    keep = ~no_author & ~missing_parent & ~unknown_parent & ~self_reply
    edges = pd.DataFrame({"source": table["node"][keep], "target": target[keep],
                          "created_at": table["created_at"][keep], "page_id": table["page_id"][keep]})
    dropped = {
        "comments": int(len(table)),
        "comments_without_author": int(no_author.sum()),
        "replies_to_missing_comment": int((missing_parent & ~no_author).sum()),
        "replies_to_unknown_author": int((unknown_parent & ~no_author).sum()),
        "self_replies": int((self_reply & ~no_author).sum()),
    }
    return edges.reset_index(drop=True), dropped


def _node_frame(table, pages):
    """Per node: role, label and how many comments and top-level comments it wrote."""
    authored = table.loc[table["node"].notna(), ["node", "comment_id"]].assign(top=table["parent_id"].isna())
    counts = authored.groupby("node").agg(n_comments=("comment_id", "size"), n_top_level=("top", "sum"))
    names = pages.drop_duplicates("page_id").set_index("page_id")["page_name"]
    ids = sorted(set(counts.index) | set(names.index))
    frame = counts.reindex(ids, fill_value=0)
    is_page = frame.index.isin(names.index)
    frame["role"] = np.where(is_page, "page", "citizen")
    frame["label"] = [str(names[i]) if p else str(i) for i, p in zip(frame.index, is_page)]
    return frame


def _build_reply_graph(table, pages) -> nx.DiGraph:
    edges, dropped = reply_edges(table)
    G = nx.DiGraph()
    G.graph.update(dropped)
    nodes = _node_frame(table, pages)
    G.add_nodes_from((node, {"role": role, "label": label, "n_comments": int(n), "n_top_level": int(k)})
                     for node, n, k, role, label in nodes[["n_comments", "n_top_level", "role", "label"]]
                     .itertuples(name=None))
    if len(edges):
        agg = (edges.groupby(["source", "target"], sort=True)["created_at"]
               .agg(["size", "min", "max"]).reset_index())
        G.add_edges_from((s, t, {"weight": int(w), "first_at": lo, "last_at": hi})
                         for s, t, w, lo, hi in agg.itertuples(index=False, name=None))
    return G


def reply_graph(dataset, *, page=None) -> nx.DiGraph:
    """Who replies to whom: a directed, weighted graph of comment authors and pages.

    Parameters
    ----------
    dataset : Dataset
    page : str or list, optional
        Narrow to these pages first (page id, municipality code, page name or handle).

    Returns
    -------
    networkx.DiGraph
        Nodes are pages (their ``page_id``; ``role="page"``, ``label`` the page name) and commenters
        (their pseudonym ``author_id``; ``role="citizen"``), each with ``n_comments`` (comments it
        wrote) and ``n_top_level`` (of them top-level). Every page of the selection is a node, even
        without comments. An edge u → v says u replied to v: a reply points to the author of the
        comment it answers, a top-level comment to the page whose post it is under. Edge attributes:
        ``weight`` (number of such comments), ``first_at`` and ``last_at`` (UTC timestamps).

    Notes
    -----
    Comments that are not edges are counted in ``G.graph``: ``comments_without_author`` (exports
    without authors: counted, never nodes), ``replies_to_missing_comment`` (the parent is not in the
    export), ``replies_to_unknown_author`` (the parent has no author) and ``self_replies`` (a citizen
    answering their own comment, or a page's top-level comment on its own post: self-loops would
    distort density and centralisation). ``G.graph["comments"]`` is the number of comments read.

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> ds = example_dataset()
    >>> G = reply_graph(ds)
    >>> sorted(G.edges(data="weight"))
    [('P', 'p_anna', 1), ('p_anna', 'P', 1), ('p_bo', 'P', 1), ('p_bo', 'p_anna', 1)]
    >>> dict(G.nodes["P"])
    {'role': 'page', 'label': 'Sjövik kommun', 'n_comments': 1, 'n_top_level': 0}
    """
    ds = _select(dataset, page)
    return _build_reply_graph(comment_table(ds), ds.pages)


def bipartite_graph(dataset, *, page=None, include_pages: bool = False) -> nx.Graph:
    """Commenters and the posts they commented on, as an undirected two-mode graph.

    Parameters
    ----------
    dataset : Dataset
    page : str or list, optional
        Narrow to these pages first.
    include_pages : bool
        Also link the pages' own comments (default: citizens only).

    Returns
    -------
    networkx.Graph
        Commenter nodes (pseudonyms; ``bipartite=0``, ``role``, ``n_comments``) and post nodes
        (``post_id``; ``bipartite=1``, ``role="post"``, ``page_id``, ``post_type``, ``created_at``,
        ``tone`` when the posts table has a ``tone`` column). Edge ``weight`` is the number of
        comments the person wrote under the post, with ``first_at`` and ``last_at``. Only posts with
        at least one such comment are nodes; comments without an author are not edges.

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> ds = example_dataset()
    >>> B = bipartite_graph(ds)
    >>> sorted(B.edges(data="weight"))
    [('p_anna', 'P_1', 1), ('p_bo', 'P_1', 2)]
    """
    ds = _select(dataset, page)
    c = ds.comments
    c = c[c["author_id"].notna()]
    if not include_pages:
        c = c[~c["author_is_page"].fillna(False).to_numpy(dtype=bool)]
    B = nx.Graph()
    B.graph["comments_without_author"] = int(ds.comments["author_id"].isna().sum())
    if not len(c):
        return B
    clash = set(c["author_id"]) & set(c["post_id"])
    if clash:
        raise ValueError(f"author ids equal to post ids ({sorted(clash)[:3]}): cannot build a two-mode graph")
    per_author = c.groupby("author_id").agg(n_comments=("comment_id", "size"),
                                            is_page=("author_is_page", "any"))
    B.add_nodes_from((a, {"bipartite": 0, "role": "page" if p else "citizen", "n_comments": int(n)})
                     for a, n, p in per_author.itertuples(name=None))
    posts = ds.posts.set_index("post_id")
    posts = posts.loc[sorted(c["post_id"].unique())]
    tone = posts["tone"] if "tone" in posts.columns else pd.Series(pd.NA, index=posts.index)
    B.add_nodes_from(
        (pid, {"bipartite": 1, "role": "post", "page_id": page, "post_type": str(kind), "created_at": when,
               **({"tone": t} if pd.notna(t) else {})})
        for pid, page, kind, when, t in zip(posts.index, posts["page_id"], posts["post_type"],
                                            posts["created_at"], tone))
    agg = c.groupby(["author_id", "post_id"], sort=True)["created_at"].agg(["size", "min", "max"]).reset_index()
    B.add_edges_from((a, p, {"weight": int(w), "first_at": lo, "last_at": hi})
                     for a, p, w, lo, hi in agg.itertuples(index=False, name=None))
    return B


def commenter_graph(dataset, *, min_weight: int = 2, page=None) -> nx.Graph:
    """Co-commenting: citizens linked by the number of posts they both commented on.

    Parameters
    ----------
    dataset : Dataset
    min_weight : int
        Keep a tie only when the two commented on at least this many of the same posts (default 2:
        one shared post is mostly chance on a busy page).
    page : str or list, optional
        Narrow to these pages first.

    Returns
    -------
    networkx.Graph
        Nodes are citizens' pseudonyms with at least one tie (``n_posts`` they commented on,
        ``n_comments``, ``main_page``: the page they commented on most); edge ``weight`` is the number
        of posts both commented on. ``G.graph["commenters"]`` counts all citizens with an author id,
        tied or not, ``G.graph["comments"]`` the comments read.

    Notes
    -----
    The one-mode projection of :func:`bipartite_graph` with the number of shared posts as weight
    (Newman, *Networks*, 2nd ed., 2018, §6.6; without Newman's 1/(k−1) discount, so a weight
    counts posts). The pages themselves are left out: they answer under most posts and would tie
    everyone together.

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> ds = example_dataset()
    >>> list(commenter_graph(ds, min_weight=1).edges(data="weight"))
    [('p_anna', 'p_bo', 1)]
    >>> commenter_graph(ds).number_of_edges()   # they share one post, not two
    0
    """
    if isinstance(min_weight, bool) or not isinstance(min_weight, (int, np.integer)) or min_weight < 1:
        raise ValueError(f"min_weight must be a whole number >= 1, got {min_weight!r}")
    ds = _select(dataset, page)
    c = ds.comments
    G = nx.Graph()
    G.graph["comments"] = int(len(c))
    c = c[c["author_id"].notna() & ~c["author_is_page"].fillna(False).to_numpy(dtype=bool)]
    G.graph["min_weight"] = int(min_weight)
    G.graph["commenters"] = int(c["author_id"].nunique())
    if not len(c):
        return G
    page_of = ds.posts.set_index("post_id")["page_id"]
    c = c.assign(page_id=c["post_id"].map(page_of).to_numpy())
    pairs = c[["author_id", "post_id"]].drop_duplicates()
    authors, a_idx = np.unique(pairs["author_id"].to_numpy(dtype=object).astype(str), return_inverse=True)
    authors = [str(a) for a in authors]  # plain str node ids, not numpy strings
    _, p_idx = np.unique(pairs["post_id"].to_numpy(dtype=object).astype(str), return_inverse=True)
    M = sparse.csr_matrix((np.ones(len(pairs), dtype=np.int32), (a_idx, p_idx)))
    co = sparse.triu(M @ M.T, k=1).tocoo()
    keep = co.data >= min_weight
    rows, cols, weights = co.row[keep], co.col[keep], co.data[keep]
    tied = np.unique(np.concatenate([rows, cols]))
    per_author = c.groupby("author_id").agg(n_comments=("comment_id", "size"), n_posts=("post_id", "nunique"))
    main_page = (c.groupby(["author_id", "page_id"]).size().rename("n").reset_index()
                 .sort_values(["author_id", "n", "page_id"], ascending=[True, False, True])
                 .drop_duplicates("author_id").set_index("author_id")["page_id"])
    for i in tied:
        a = authors[i]
        G.add_node(a, role="citizen", n_posts=int(per_author.at[a, "n_posts"]),
                   n_comments=int(per_author.at[a, "n_comments"]), main_page=str(main_page[a]))
    order = np.lexsort((cols, rows))
    G.add_edges_from((authors[r], authors[k], {"weight": int(w)})
                     for r, k, w in zip(rows[order], cols[order], weights[order]))
    return G

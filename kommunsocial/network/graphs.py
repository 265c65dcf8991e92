"""Interaction graphs built from comment threads: reply, commenter–post and co-commenting graphs."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from ._threads import check_dataset, datetimes, links, positions, runs, sorted_codes
from .tables import Column, GraphTables

__all__ = ["reply_graph", "bipartite_graph", "commenter_graph", "reply_tables", "bipartite_tables", "commenter_tables"]


def _select(dataset, page):
    ds = check_dataset(dataset)
    return ds if page in (None, "", []) else ds.select(page=page)


def _edges(source: np.ndarray, target: np.ndarray, n_targets: int, when: np.ndarray):
    """Group rows into edges: ``(source, target, weight, first, last)`` per distinct pair of codes,
    sorted by source then target, with the smallest and largest of ``when`` (int64 times)."""
    key = source * np.int64(n_targets) + target
    order = np.argsort(key)
    key, when = key[order], when[order]
    start = runs(key)
    pair = key[start]
    weight = np.diff(np.r_[start, len(key)])
    if not len(start):
        return pair, pair, weight, when[:0], when[:0]
    return pair // n_targets, pair % n_targets, weight, np.minimum.reduceat(when, start), \
        np.maximum.reduceat(when, start)


@dataclass
class Replies:
    """Each comment of a Dataset as a reply edge, in codes of the sorted vocabulary ``ids`` of
    authors and pages (-1: unknown). See :func:`replies`."""

    ids: np.ndarray  # the vocabulary: pseudonyms and page ids, sorted
    names: pd.Series  # the pages table's page names, by page id
    page: np.ndarray  # codes of the pages table's pages, in the order of ``names``
    node: np.ndarray  # the comment's author (the page for its own comments)
    target: np.ndarray  # whom it answers: the parent's author, or the page for a top-level comment
    page_of: np.ndarray  # the page whose post it is under
    parent: np.ndarray  # row of the parent comment
    top: np.ndarray  # a top-level comment
    edge: np.ndarray  # the comment is an edge node → target
    counts: dict  # comments that are not edges, by reason (``G.graph`` of the reply graph)


def replies(ds) -> Replies:
    """Who answers whom in each comment, the one definition of a reply edge.

    A comment is an edge from its author to the author of the comment it replies to; a top-level
    comment is an edge to the page whose post it is under. Not edges, and counted: comments without
    an author, replies whose parent is not in the export or has no author, and self-replies (a
    citizen answering their own comment, a page's top-level comment on its own post).
    """
    rows = links(ds)
    names = ds.pages.drop_duplicates("page_id").set_index("page_id")["page_name"]
    (author, post_page, page), ids = sorted_codes(ds.comments["author_id"], ds.posts["page_id"],
                                                  pd.Series(names.index, dtype=ds.posts["page_id"].dtype))
    page_of = np.append(post_page, -1)[rows.post]
    node = np.where(rows.is_page, page_of, author)  # the page for its own comments
    parent = np.where(rows.parent >= 0, node[np.maximum(rows.parent, 0)], -1)
    top, missing_parent = rows.top, ~rows.top & (rows.parent < 0)
    target = np.where(top, page_of, parent)
    no_author = node < 0
    unknown_parent = ~top & ~missing_parent & (target < 0)
    self_reply = (node == target) & ~no_author
    counts = {
        "comments": len(node),
        "comments_without_author": int(no_author.sum()),
        "replies_to_missing_comment": int((missing_parent & ~no_author).sum()),
        "replies_to_unknown_author": int((unknown_parent & ~no_author).sum()),
        "self_replies": int((self_reply & ~no_author).sum()),
    }
    edge = ~no_author & ~missing_parent & ~unknown_parent & ~self_reply & (target >= 0)
    return Replies(ids, names, page, node, target, page_of, rows.parent, top, edge, counts)


def _reply_tables(r: Replies, created) -> GraphTables:
    """The reply graph of :func:`replies` ``r``: a node for every author and every page."""
    ids, page, node = r.ids, r.page, r.node
    authored = node >= 0
    n_comments = np.bincount(node[authored], minlength=len(ids))
    n_top_level = np.bincount(node[authored & r.top], minlength=len(ids))
    is_page = np.zeros(len(ids), dtype=bool)
    is_page[page] = True
    label = ids.copy()
    label[page] = [str(name) for name in r.names.tolist()]
    keep = is_page | (n_comments > 0)
    created = created[r.edge]
    u, v, weight, first, last = _edges(node[r.edge], r.target[r.edge], len(ids), created.asi8)
    # an edge end that is no node yet (a page missing from the pages table) becomes one when its
    # first edge is added, without attributes, as networkx's add_edges_from does
    ends = np.column_stack([u, v]).ravel()
    extra = pd.unique(ends[~keep[ends]])
    position = np.full(len(ids), -1, dtype=np.int64)
    position[keep] = np.arange(int(keep.sum()))
    position[extra] = int(keep.sum()) + np.arange(len(extra))
    present = np.r_[np.ones(int(keep.sum()), dtype=bool), np.zeros(len(extra), dtype=bool)]

    def column(values, fill):
        return Column(np.concatenate([values[keep], np.full(len(extra), fill, dtype=values.dtype)]),
                      None if not len(extra) else present)

    nodes = {"role": column(np.where(is_page, "page", "citizen").astype(object), None), "label": column(label, None),
             "n_comments": column(n_comments.astype(np.int64), 0),
             "n_top_level": column(n_top_level.astype(np.int64), 0)}
    edges = {"weight": Column(weight.astype(np.int64)), "first_at": Column(datetimes(first, created)),
             "last_at": Column(datetimes(last, created))}
    return GraphTables(np.concatenate([ids[keep], ids[extra]]).astype(object), nodes, position[u], position[v],
                       edges, directed=True, graph=dict(r.counts))


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
    return reply_tables(dataset, page=page).to_networkx()


def reply_tables(dataset, *, page=None) -> GraphTables:
    """:func:`reply_graph` as :class:`~kommunsocial.network.tables.GraphTables`: the same nodes, edges and
    attributes held as arrays, for networks too large to hold as networkx graphs (a country's).

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> reply_tables(example_dataset())
    <GraphTables: directed, 3 nodes, 4 edges>
    """
    ds = _select(dataset, page)
    return _reply_tables(replies(ds), ds.comments["created_at"].array)


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
    return bipartite_tables(dataset, page=page, include_pages=include_pages).to_networkx()


def bipartite_tables(dataset, *, page=None, include_pages: bool = False) -> GraphTables:
    """:func:`bipartite_graph` as :class:`~kommunsocial.network.tables.GraphTables` (arrays, for a country).

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> bipartite_tables(example_dataset())
    <GraphTables: undirected, 3 nodes, 2 edges>
    """
    ds = _select(dataset, page)
    c = ds.comments
    keep = c["author_id"].notna().to_numpy()
    if not include_pages:
        keep = keep & ~c["author_is_page"].fillna(False).to_numpy(dtype=bool)
    graph = {"comments_without_author": int(c["author_id"].isna().sum())}
    if not keep.any():
        empty = np.zeros(0, dtype=np.int64)
        return GraphTables(np.zeros(0, dtype=object), {}, empty, empty, {}, directed=False, graph=graph)
    (author,), authors = sorted_codes(c["author_id"], keep=keep)
    (post,), post_ids = sorted_codes(c["post_id"], keep=keep)
    clash = authors[positions(post_ids, authors) >= 0]
    if len(clash):
        raise ValueError(f"author ids equal to post ids ({sorted(clash)[:3]}): cannot build a two-mode graph")
    n_comments = np.bincount(author, minlength=len(authors))
    by_page = c["author_is_page"].fillna(False).to_numpy(dtype=bool)[keep]
    is_page = np.bincount(author[by_page], minlength=len(authors)) > 0
    posts = ds.posts[["post_id", "page_id", "post_type", "created_at"] + (["tone"] if "tone" in ds.posts else [])]
    if posts["post_id"].is_unique:
        row = positions(posts["post_id"], post_ids)
        if (row < 0).any():
            raise KeyError(f"{post_ids[row < 0][:3].tolist()} not in index")  # as .loc would
        posts = posts.take(row).set_index("post_id")
    else:
        posts = posts.set_index("post_id").loc[post_ids]
    (page_id,), pages = sorted_codes(posts["page_id"])
    page_ids = np.empty(len(pages) + 1, dtype=object)  # one str object per page, not per post
    page_ids[:-1], page_ids[-1] = pages, pd.NA
    tone = posts["tone"] if "tone" in posts.columns else pd.Series(pd.NA, index=posts.index, dtype=object)
    has_tone = tone.notna().to_numpy()
    created = c["created_at"].array[keep]
    u, v, weight, first, last = _edges(author, post, len(post_ids), created.asi8)
    n_a, n_p = len(authors), len(posts)
    is_author = np.r_[np.ones(n_a, dtype=bool), np.zeros(n_p, dtype=bool)]
    is_post = ~is_author
    no_values = np.empty(n_a, dtype=object)
    post_type = np.empty(n_p, dtype=object)
    post_type[:] = [str(kind) for kind in posts["post_type"].tolist()]
    tone_values = np.empty(n_p, dtype=object)
    tone_values[:] = tone.tolist()
    nodes = {
        "bipartite": Column(np.r_[np.zeros(n_a, dtype=np.int64), np.ones(n_p, dtype=np.int64)]),
        "role": Column(np.concatenate([np.where(is_page, "page", "citizen").astype(object),
                                       np.full(n_p, "post", dtype=object)])),
        "n_comments": Column(np.r_[n_comments.astype(np.int64), np.zeros(n_p, dtype=np.int64)], is_author),
        "page_id": Column(np.concatenate([no_values, page_ids[page_id]]), is_post),
        "post_type": Column(np.concatenate([no_values, post_type]), is_post),
        "created_at": Column(_stack_times(n_a, posts["created_at"].array), is_post),
    }
    if "tone" in ds.posts:
        nodes["tone"] = Column(np.concatenate([no_values, tone_values]), np.r_[np.zeros(n_a, dtype=bool), has_tone])
    edges = {"weight": Column(weight.astype(np.int64)), "first_at": Column(datetimes(first, created)),
             "last_at": Column(datetimes(last, created))}
    ids = np.concatenate([authors, np.asarray(posts.index, dtype=object)]).astype(object)
    return GraphTables(ids, nodes, u, v + n_a, edges, directed=False, graph=graph)


def _stack_times(n_before: int, times) -> pd.api.extensions.ExtensionArray:
    """``n_before`` missing times, then ``times`` (a datetime array), of the dtype of ``times``."""
    return pd.concat([pd.Series(pd.NaT, index=range(n_before), dtype=times.dtype),
                      pd.Series(times)], ignore_index=True).array


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
    return commenter_tables(dataset, min_weight=min_weight, page=page).to_networkx()


def commenter_tables(dataset, *, min_weight: int = 2, page=None) -> GraphTables:
    """:func:`commenter_graph` as :class:`~kommunsocial.network.tables.GraphTables` (arrays, for a country).

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> commenter_tables(example_dataset(), min_weight=1)
    <GraphTables: undirected, 2 nodes, 1 edges>
    """
    if isinstance(min_weight, bool) or not isinstance(min_weight, (int, np.integer)) or min_weight < 1:
        raise ValueError(f"min_weight must be a whole number >= 1, got {min_weight!r}")
    ds = _select(dataset, page)
    c = ds.comments
    graph = {"comments": int(len(c))}
    citizen = c["author_id"].notna().to_numpy() & ~c["author_is_page"].fillna(False).to_numpy(dtype=bool)
    graph["min_weight"] = int(min_weight)
    (author,), authors = sorted_codes(c["author_id"], keep=citizen)
    graph["commenters"] = len(authors)
    if not citizen.any():
        empty = np.zeros(0, dtype=np.int64)
        return GraphTables(np.zeros(0, dtype=object), {}, empty, empty, {}, directed=False, graph=graph)
    if not ds.posts["post_id"].is_unique:  # the same post id twice: whose page is it under?
        raise pd.errors.InvalidIndexError("Reindexing only valid with uniquely valued Index objects")
    row = positions(ds.posts["post_id"], c["post_id"])[citizen]  # the post of each comment
    (page_of_post,), pages = sorted_codes(ds.posts["page_id"])
    page_of = np.append(page_of_post, -1)[row]  # -1: a post not in the posts table
    post = row if (row >= 0).all() else pd.factorize(c["post_id"][citizen])[0]
    pairs = np.sort(author * np.int64(post.max() + 1) + post)
    pairs = pairs[runs(pairs)]  # each commenter and post once
    a_idx, p_idx = np.divmod(pairs, post.max() + 1)
    M = sparse.csr_matrix((np.ones(len(pairs), dtype=np.int32), (a_idx, p_idx)))
    co = (M @ M.T).tocsr()  # posts in common; the upper triangle: each pair once
    rows = np.repeat(np.arange(co.shape[0], dtype=np.int64), np.diff(co.indptr))
    cols = co.indices.astype(np.int64)
    keep = (cols > rows) & (co.data >= min_weight)
    rows, cols, weights = rows[keep], cols[keep], co.data[keep]
    order = np.argsort(rows * len(authors) + cols)
    rows, cols, weights = rows[order], cols[order], weights[order]
    tied = np.flatnonzero(np.bincount(np.concatenate([rows, cols]), minlength=len(authors)))
    n_comments = np.bincount(author, minlength=len(authors))
    n_posts = np.bincount(a_idx, minlength=len(authors))
    # the page each commenter commented on most (ties: the smallest page id)
    known = page_of >= 0
    key = np.sort(author[known] * np.int64(len(pages)) + page_of[known])
    start = runs(key)
    who, where = np.divmod(key[start], max(len(pages), 1))
    n = np.diff(np.r_[start, len(key)])
    group = runs(who)  # the rows of each commenter, pages in sorted order
    most = np.repeat(np.maximum.reduceat(n, group), np.diff(np.r_[group, len(who)])) if len(group) else n
    best = np.flatnonzero(n == most)
    best = best[runs(who[best])]  # the first (smallest) page with the largest count
    main = np.full(len(authors), -1, dtype=np.int64)
    main[who[best]] = where[best]
    if (main[tied] < 0).any():  # none of their comments is under a post of a known page
        raise KeyError(authors[tied[main[tied] < 0][0]])
    position = np.full(len(authors), -1, dtype=np.int64)
    position[tied] = np.arange(len(tied))
    main_page = np.empty(len(tied), dtype=object)
    main_page[:] = [str(page) for page in pages[main[tied]].tolist()]
    nodes = {"role": Column(np.full(len(tied), "citizen", dtype=object)),
             "n_posts": Column(n_posts[tied].astype(np.int64)), "n_comments": Column(n_comments[tied].astype(np.int64)),
             "main_page": Column(main_page)}
    return GraphTables(authors[tied].astype(object), nodes, position[rows], position[cols],
                       {"weight": Column(weights.astype(np.int64))}, directed=False, graph=graph)

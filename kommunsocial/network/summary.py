"""Small overview tables of the comments a network analysis starts from."""

from __future__ import annotations

import pandas as pd

from ._threads import check_dataset, comment_table, threads
from .graphs import reply_edges

__all__ = ["comment_overview", "most_commented_page"]


def comment_overview(dataset) -> pd.DataFrame:
    """What the comments table holds for a network analysis, as one small table (``value`` column).

    Rows: comments, written by citizens, written by the pages, threads (citizens' top-level
    comments), distinct commenters (pseudonyms), comments without an author (counted, never network
    nodes), replies whose parent comment is not in the export, and posts with at least one comment.

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> ds = example_dataset()
    >>> comment_overview(ds)["value"].tolist()
    [4, 3, 1, 2, 2, 0, 0, 1, 1]
    """
    ds = check_dataset(dataset)
    c = ds.comments
    table = comment_table(ds)
    _, dropped = reply_edges(table)
    is_page = c["author_is_page"].fillna(False).to_numpy(dtype=bool)
    rows = [
        ("comments", len(c)),
        ("written by citizens", int((~is_page).sum())),
        ("written by the pages", int(is_page.sum())),
        ("threads (citizens' top-level comments)", len(threads(ds, table=table))),
        ("distinct commenters (pseudonyms)", int(c.loc[~is_page, "author_id"].nunique())),
        ("comments without an author", dropped["comments_without_author"]),
        ("replies to a comment missing from the export", int(table["parent_missing"].sum())),
        ("posts with comments", int(c["post_id"].nunique())),
        ("posts", len(ds.posts)),
    ]
    return pd.DataFrame(rows, columns=["", "value"]).set_index("")


def most_commented_page(dataset) -> str:
    """The ``page_id`` with the most comments (ties: the smallest id), or ``""`` without comments.

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> ds = example_dataset()
    >>> most_commented_page(ds)
    'P'
    """
    ds = check_dataset(dataset)
    if not len(ds.comments):
        return ""
    page = ds.comments["post_id"].map(ds.posts.set_index("post_id")["page_id"])
    counts = page.value_counts()
    return str(sorted(counts[counts == counts.max()].index)[0])

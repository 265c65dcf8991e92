"""Small overview tables of the comments a network analysis starts from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._threads import check_dataset, links, positions, sorted_codes

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
    # the counts comment_table, the reply graph and threads give, from the links between the rows
    rows = links(ds)
    is_page = rows.is_page
    # a comment's node is its author, or for the page's own comments the page of the post
    post_page_missing = np.append(ds.posts["page_id"].isna().to_numpy(), True)[rows.post]
    no_author = np.where(is_page, post_page_missing, c["author_id"].isna().to_numpy())
    rows = [
        ("comments", len(c)),
        ("written by citizens", int((~is_page).sum())),
        ("written by the pages", int(is_page.sum())),
        ("threads (citizens' top-level comments)", int((rows.top & ~is_page).sum())),
        ("distinct commenters (pseudonyms)", int(c.loc[~is_page, "author_id"].nunique())),
        ("comments without an author", int(no_author.sum())),
        ("replies to a comment missing from the export", int((~rows.top & (rows.parent < 0)).sum())),
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
    if not ds.posts["post_id"].is_unique:  # as mapping through a non-unique index: an error
        page = ds.comments["post_id"].map(ds.posts.set_index("post_id")["page_id"])
        counts = page.value_counts()
        return str(sorted(counts[counts == counts.max()].index)[0])
    # comments per page, counted on codes: the pages come sorted, so the first largest is the smallest id
    (page,), pages = sorted_codes(ds.posts["page_id"])
    page_of = np.append(page, -1)[positions(ds.posts["post_id"], ds.comments["post_id"])]
    counts = np.bincount(page_of[page_of >= 0], minlength=len(pages))
    if not counts.any():
        raise IndexError("list index out of range")  # as before, for comments under no known page
    return str(pages[int(np.argmax(counts))])

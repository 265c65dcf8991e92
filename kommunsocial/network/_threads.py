"""Comments resolved into threads: who wrote each comment, whom it answers, which thread it is in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import page_timezone
from ..schema import Dataset

__all__ = ["comment_table", "threads", "check_dataset"]

#: Parent chains longer than this are treated as broken (they can only come from a cycle).
MAX_DEPTH = 200


def check_dataset(dataset) -> Dataset:
    """Fail loudly unless ``dataset`` is a :class:`kommunsocial.Dataset`."""
    if not isinstance(dataset, Dataset):
        raise TypeError(f"expected a kommunsocial.Dataset, got {type(dataset).__name__}; "
                        f"read one with ks.Dataset.read(folder) or ks.load(paths)")
    return dataset


def _local_month(times: pd.Series, countries: pd.Series) -> pd.Series:
    """First day of the month (naive, in the page's local time zone) of each UTC timestamp."""
    out = pd.Series(pd.NaT, index=times.index, dtype="datetime64[us]")
    for country, idx in times.groupby(countries.astype("object").fillna(""), sort=True).groups.items():
        local = times.loc[idx].dt.tz_convert(page_timezone(country or None)).dt.tz_localize(None)
        out.loc[idx] = local.dt.to_period("M").dt.to_timestamp().astype("datetime64[us]")
    return out


def comment_table(dataset) -> pd.DataFrame:
    """One row per comment with its page, its author node, its parent's author node and its thread.

    Added columns: ``page_id`` (the page whose post the comment is under), ``month`` (first day of
    the post's month in the page's local time), ``node`` (the author in the networks: the page_id for
    the page's own comments, else the pseudonym ``author_id``, missing when the export has no
    author), ``parent_pos`` (row of the parent comment, -1 for a top-level comment or a parent that
    is not in the table), ``parent_missing`` (a reply whose parent is absent), ``parent_node`` and
    ``parent_is_page``, ``root_pos`` (row of the thread's top-level comment, -1 when the chain is
    broken by a missing parent), ``root_at``, ``root_is_page``.
    """
    ds = check_dataset(dataset)
    c = ds.comments
    posts = ds.posts[["post_id", "page_id", "created_at"]].rename(columns={"created_at": "post_at"})
    country = ds.pages.drop_duplicates("page_id").set_index("page_id")["country"].astype("object")
    out = c.merge(posts, on="post_id", how="left", validate="many_to_one")
    out["month"] = _local_month(out["post_at"], out["page_id"].map(country))
    is_page = out["author_is_page"].fillna(False).to_numpy(dtype=bool)
    out["node"] = out["author_id"].where(~is_page, out["page_id"]).astype("string")

    n = len(out)
    top = out["parent_id"].isna().to_numpy()
    pos = pd.Index(out["comment_id"]).get_indexer(out["parent_id"].astype("object").where(~top, None))
    pos = np.where(top, -1, pos)
    out["parent_pos"] = pos
    out["parent_missing"] = (~top) & (pos < 0)
    has_parent = pos >= 0
    parent_node = pd.Series(pd.NA, index=out.index, dtype="string")
    parent_node[has_parent] = out["node"].to_numpy()[pos[has_parent]]
    out["parent_node"] = parent_node
    parent_is_page = np.zeros(n, dtype=bool)
    parent_is_page[has_parent] = is_page[pos[has_parent]]
    out["parent_is_page"] = parent_is_page

    # follow parent pointers up to the top-level comment; -1 marks a chain broken by a missing parent
    root = np.where(top, np.arange(n), pos)
    for _ in range(MAX_DEPTH):
        climbing = root >= 0
        climbing[climbing] = ~top[root[climbing]]
        if not climbing.any():
            break
        root[climbing] = pos[root[climbing]]
    else:
        climbing = root >= 0
        climbing[climbing] = ~top[root[climbing]]
        root[climbing] = -1  # a cycle of parent ids: no thread can be assigned
    out["root_pos"] = root
    created = out["created_at"]
    root_at = pd.Series(pd.NaT, index=out.index, dtype=created.dtype)
    ok = root >= 0
    root_at[ok] = created.to_numpy()[root[ok]]
    out["root_at"] = root_at
    root_is_page = np.zeros(n, dtype=bool)
    root_is_page[ok] = is_page[root[ok]]
    out["root_is_page"] = root_is_page
    return out


def threads(dataset, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per citizen thread (a citizen's top-level comment and every reply below it).

    Parameters
    ----------
    dataset : Dataset
    table : DataFrame, optional
        The result of :func:`comment_table` when the caller already has it.

    Returns
    -------
    DataFrame
        ``comment_id`` (the top-level comment), ``post_id``, ``page_id``, ``month``, ``author_id``,
        ``started_at``, ``text``, ``lang``, ``replies`` (comments below it), ``page_replies`` (of them by
        the page), ``answered`` (the page commented anywhere in the thread at or after its start),
        ``first_answer_at`` and ``hours_to_answer`` (from the thread's start to the page's first
        comment in it; missing when unanswered).

    Notes
    -----
    A page comment timestamped before the thread it sits in can only come from broken timestamps;
    it is not counted as an answer. Replies whose parent is not in the comments table cannot be
    placed in a thread and are left out (counted by :func:`kommunsocial.network.reply_graph`).

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> threads(example_dataset())[["comment_id", "replies", "answered", "hours_to_answer"]]
      comment_id  replies  answered  hours_to_answer
    0         c1        2      True              2.0
    1         c4        0     False              NaN
    """
    c = comment_table(dataset) if table is None else table
    is_page = c["author_is_page"].fillna(False).to_numpy(dtype=bool)
    top = c["parent_id"].isna().to_numpy()
    roots = c[top & ~is_page]
    below = c[(c["root_pos"].to_numpy() >= 0) & ~top]
    replies = below.groupby("root_pos").size()
    answers = below[below["author_is_page"].fillna(False).to_numpy(dtype=bool)
                    & (below["created_at"] >= below["root_at"]).to_numpy(dtype=bool)]
    page_replies = answers.groupby("root_pos").size()
    first = answers.groupby("root_pos")["created_at"].min()
    pos = pd.Index(roots.index)
    out = pd.DataFrame({
        "comment_id": roots["comment_id"].to_numpy(),
        "post_id": roots["post_id"].to_numpy(),
        "page_id": roots["page_id"].to_numpy(),
        "month": roots["month"].to_numpy(),
        "author_id": roots["author_id"].to_numpy(),
        "started_at": roots["created_at"].to_numpy(),
        "text": roots["text"].to_numpy(),
        "lang": roots["lang"].astype("object").to_numpy(),
        "replies": replies.reindex(pos, fill_value=0).to_numpy(dtype="int64"),
        "page_replies": page_replies.reindex(pos, fill_value=0).to_numpy(dtype="int64"),
    })
    for col in ("comment_id", "post_id", "page_id", "author_id", "text"):
        out[col] = out[col].astype("string")
    out["started_at"] = out["started_at"].astype(c["created_at"].dtype)
    out["first_answer_at"] = pd.Series(first.reindex(pos).to_numpy(), dtype=c["created_at"].dtype)
    out["answered"] = out["first_answer_at"].notna()
    out["hours_to_answer"] = (out["first_answer_at"] - out["started_at"]).dt.total_seconds() / 3600
    return out

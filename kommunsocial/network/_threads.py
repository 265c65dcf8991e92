"""Comments resolved into threads: who wrote each comment, whom it answers, which thread it is in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import page_timezone
from ..schema import Dataset

__all__ = ["comment_table", "threads", "check_dataset", "links", "Links", "post_months", "thread_counts",
           "hours_between", "sorted_codes", "positions", "take", "datetimes", "runs"]

#: Parent chains longer than this are treated as broken (they can only come from a cycle).
MAX_DEPTH = 200


def check_dataset(dataset) -> Dataset:
    """Fail loudly unless ``dataset`` is a :class:`kommunsocial.Dataset`."""
    if not isinstance(dataset, Dataset):
        raise TypeError(f"expected a kommunsocial.Dataset, got {type(dataset).__name__}; "
                        f"read one with ks.Dataset.read(folder) or ks.load(paths)")
    return dataset


def positions(keys, values) -> np.ndarray:
    """Position in ``keys`` (unique, no missing values) of each of ``values``; -1 where a value is
    missing or not among the keys. Like ``pd.Index(keys).get_indexer(values)``, by factorising both
    together (fast for Arrow-backed strings)."""
    keys, values = pd.Series(keys).reset_index(drop=True), pd.Series(values).reset_index(drop=True)
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    codes, uniques = pd.factorize(pd.concat([keys, values], ignore_index=True))
    where = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last slot answers code -1 (missing)
    where[codes[:len(keys)]] = np.arange(len(keys))
    where[-1] = -1
    return where[codes[len(keys):]]


def take(values, pos: np.ndarray):
    """``values`` (a Series or array) at positions ``pos``, missing where ``pos`` is -1; same dtype."""
    array = values.array if isinstance(values, pd.Series) else values
    return pd.api.extensions.take(array, pos, allow_fill=True)


def datetimes(values: np.ndarray, like) -> pd.api.extensions.ExtensionArray:
    """Timestamps from their int64 values (``like.asi8`` of a datetime array; the smallest int64 is
    NaT), with the dtype of ``like``: unit and time zone."""
    naive = pd.array(np.asarray(values, dtype=np.int64).view(f"M8[{like.unit}]"))
    return naive if like.tz is None else naive.tz_localize("UTC").tz_convert(like.tz)


def runs(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in the sorted array ``keys``."""
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)


def sorted_codes(*columns, keep: np.ndarray | None = None):
    """Codes of the values of ``columns`` (Series of strings) in one sorted vocabulary.

    Returns one int64 array of codes per column (-1 for a missing value), numbered in the sorted
    order of the distinct values (code point order, as ``sorted`` and a sorted ``groupby`` order
    strings), and the vocabulary as an object array of str. With a boolean ``keep`` (one column),
    only the rows it selects are coded and in the vocabulary.
    """
    columns = [pd.Series(col).reset_index(drop=True) for col in columns]
    codes, uniques = pd.factorize(pd.concat(columns, ignore_index=True) if len(columns) > 1 else columns[0])
    if keep is not None:
        codes = codes[keep]
        used = np.zeros(len(uniques), dtype=bool)
        used[codes[codes >= 0]] = True
        uniques = uniques[used]
        codes = np.append(np.cumsum(used) - 1, -1)[codes]  # the codes of the values left, in their order
    order = np.asarray(uniques.argsort())
    rank = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last slot answers code -1 (missing)
    rank[order] = np.arange(len(uniques))
    codes = rank[codes]
    bounds = np.cumsum([0] + [len(codes) if keep is not None else len(col) for col in columns])
    vocabulary = np.asarray(uniques.take(order), dtype=object)
    return [codes[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])], vocabulary


def _local_month(times: pd.Series, countries: pd.Series) -> pd.Series:
    """First day of the month (naive, in the page's local time zone) of each UTC timestamp."""
    out = np.full(len(times), np.datetime64("NaT"), dtype="datetime64[us]")
    array = times.array
    for country, idx in times.groupby(countries.astype("object").fillna("").to_numpy(), sort=True).indices.items():
        local = np.asarray(array[idx].tz_convert(page_timezone(country or None)).tz_localize(None))
        out[idx] = local.astype("datetime64[M]")
    return pd.Series(out, index=times.index)


@dataclass
class Links:
    """How the comments of a Dataset hang together, as rows (-1: none): see :func:`links`."""

    post: np.ndarray  # row of the comment's post in ds.posts
    parent: np.ndarray  # row of the parent comment
    root: np.ndarray  # row of the thread's top-level comment
    top: np.ndarray  # a top-level comment
    is_page: np.ndarray  # written by the page


def links(ds: Dataset) -> Links:
    """The rows :func:`comment_table` works out: each comment's post, parent and thread.

    ``post`` is -1 for a post missing from the posts table, ``parent`` for a top-level comment or a
    parent missing from the comments, ``root`` when the chain up to the top-level comment is broken
    by a missing parent (or a cycle of parent ids).
    """
    c, posts = ds.comments, ds.posts
    if not posts["post_id"].is_unique:  # the same post id on two platforms: cannot tell the page
        raise pd.errors.MergeError("Merge keys are not unique in right dataset; not a many-to-one merge")
    post = positions(posts["post_id"], c["post_id"])
    is_page = c["author_is_page"].fillna(False).to_numpy(dtype=bool)
    top = c["parent_id"].isna().to_numpy()
    parent = positions(c["comment_id"], c["parent_id"])
    parent[top] = -1
    # follow parent pointers up to the top-level comment; -1 marks a chain broken by a missing parent
    n = len(c)
    root = np.where(top, np.arange(n), parent)
    for _ in range(MAX_DEPTH):
        climbing = root >= 0
        climbing[climbing] = ~top[root[climbing]]
        if not climbing.any():
            break
        root[climbing] = parent[root[climbing]]
    else:
        climbing = root >= 0
        climbing[climbing] = ~top[root[climbing]]
        root[climbing] = -1  # a cycle of parent ids: no thread can be assigned
    return Links(post=post, parent=parent, root=root, top=top, is_page=is_page)


def post_months(ds: Dataset) -> pd.Series:
    """First day of each post's month in its page's local time (naive), one per row of ``ds.posts``."""
    country = ds.pages.drop_duplicates("page_id").set_index("page_id")["country"].astype("object")
    return _local_month(ds.posts["created_at"], ds.posts["page_id"].map(country))


def comment_table(dataset) -> pd.DataFrame:
    """One row per comment with its page, its author node, its parent's author node and its thread.

    Added columns: ``page_id`` (the page whose post the comment is under), ``post_at`` (when that
    post was published), ``month`` (first day of the post's month in the page's local time), ``node``
    (the author in the networks: the page_id for the page's own comments, else the pseudonym
    ``author_id``, missing when the export has no author), ``parent_pos`` (row of the parent
    comment, -1 for a top-level comment or a parent that is not in the table), ``parent_missing``
    (a reply whose parent is absent), ``parent_node`` and ``parent_is_page``, ``root_pos`` (row of
    the thread's top-level comment, -1 when the chain is broken by a missing parent), ``root_at``,
    ``root_is_page``.
    """
    ds = check_dataset(dataset)
    rows = links(ds)
    posts = ds.posts
    out = ds.comments.reset_index(drop=True)
    out["page_id"] = take(posts["page_id"], rows.post)
    out["post_at"] = take(posts["created_at"], rows.post)
    out["month"] = take(post_months(ds).to_numpy(), rows.post)
    out["node"] = out["author_id"].where(~rows.is_page, out["page_id"]).astype("string")
    has_parent = rows.parent >= 0
    out["parent_pos"] = rows.parent
    out["parent_missing"] = ~rows.top & ~has_parent
    out["parent_node"] = take(out["node"], rows.parent)
    out["parent_is_page"] = has_parent & rows.is_page[np.maximum(rows.parent, 0)]
    ok = rows.root >= 0
    out["root_pos"] = rows.root
    out["root_at"] = take(out["created_at"], rows.root)
    out["root_is_page"] = ok & rows.is_page[np.maximum(rows.root, 0)]
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
    roots, replies, page_replies, first_answer_at = thread_counts(c)
    out = pd.DataFrame({
        "comment_id": take(c["comment_id"], roots),
        "post_id": take(c["post_id"], roots),
        "page_id": take(c["page_id"], roots),
        "month": take(c["month"], roots),
        "author_id": take(c["author_id"], roots),
        "started_at": take(c["created_at"], roots),
        "text": take(c["text"], roots),
        "lang": c["lang"].take(roots).astype("object").to_numpy(),
        "replies": replies,
        "page_replies": page_replies,
    })
    for col in ("comment_id", "post_id", "page_id", "author_id", "text"):
        out[col] = out[col].astype("string")
    out["started_at"] = out["started_at"].astype(c["created_at"].dtype)
    out["first_answer_at"] = first_answer_at
    out["answered"] = out["first_answer_at"].notna()
    out["hours_to_answer"] = hours_between(out["started_at"], out["first_answer_at"])
    return out


def hours_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Hours from ``start`` to ``end`` (floats; missing where either is)."""
    return (end - start).dt.total_seconds() / 3600


def thread_counts(c: pd.DataFrame):
    """The citizen threads of a :func:`comment_table`: the rows of their top-level comments, the
    replies below each and how many of them the page wrote (int64 arrays), and the time of the
    page's first answer (a Series, NaT when unanswered). See :func:`threads`."""
    return _thread_counts(c["author_is_page"].fillna(False).to_numpy(dtype=bool), c["parent_id"].isna().to_numpy(),
                          c["root_pos"].to_numpy(), c["created_at"].array, c["root_at"].array, c.index.to_numpy())


def _thread_counts(is_page, top, root_label, created, root_at, labels_of_rows):
    """:func:`thread_counts` from the columns it reads: whether the page wrote each comment, whether
    it is top-level, the index label of its thread's top-level comment (-1: none), when it and that
    top-level comment were written (datetime arrays) and the index labels of the rows."""
    roots = np.flatnonzero(top & ~is_page)
    # each reply counts for the thread whose top-level comment has the index label root_pos
    below = np.flatnonzero((root_label >= 0) & ~top)
    thread = root_label[below]
    if thread.max(initial=0) <= 2 * len(top):  # row numbers, as comment_table gives them
        labels = np.arange(thread.max(initial=-1) + 1)
    else:
        labels, thread = np.unique(thread, return_inverse=True)
    by_page = is_page[below] & ~pd.isna(created[below]) & ~pd.isna(root_at[below])
    by_page[by_page] = created.asi8[below[by_page]] >= root_at.asi8[below[by_page]]
    answered = thread[by_page]
    order = np.argsort(answered, kind="stable")
    answered, when = answered[order], created.asi8[below[by_page]][order]
    start = runs(answered)
    first_at = np.full(len(labels), np.iinfo(np.int64).min, dtype=np.int64)  # NaT: no answer
    if len(start):
        first_at[answered[start]] = np.minimum.reduceat(when, start)

    # the threads of the top-level comments, found by index label
    root_labels = labels_of_rows[roots]
    at = np.full(len(roots), -1, dtype=np.int64)
    if root_labels.dtype.kind in "iu" and len(labels):
        k = np.minimum(np.searchsorted(labels, root_labels), len(labels) - 1)
        at = np.where(labels[k] == root_labels, k, -1)

    def per_thread(values, fill):
        return np.where(at >= 0, values[np.maximum(at, 0)] if len(values) else fill, fill)

    replies = per_thread(np.bincount(thread, minlength=len(labels)), 0).astype("int64")
    page_replies = per_thread(np.bincount(answered, minlength=len(labels)), 0).astype("int64")
    first_answer_at = pd.Series(datetimes(per_thread(first_at, np.iinfo(np.int64).min), created), dtype=created.dtype)
    return roots, replies, page_replies, first_answer_at

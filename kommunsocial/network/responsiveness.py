"""Responsiveness: how often and how fast a page answers citizens, and how much citizens talk among themselves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._threads import (_thread_counts, check_dataset, hours_between, links, post_months, runs, sorted_codes,
                       take)
from .questions import is_question

__all__ = ["responsiveness", "COLUMNS", "AUTHOR_RATES"]

#: Output columns of :func:`responsiveness`, in order (``page_name`` first when grouping by page).
COLUMNS = ["citizen_comments", "page_comments", "threads", "answered_threads", "answer_rate", "questions",
           "answered_questions", "question_answer_rate", "median_hours_to_answer", "p90_hours_to_answer",
           "page_comment_share", "citizen_replies", "citizen_reply_share", "reciprocity", "dialogue"]
#: The measures that need to know who wrote each comment (the page or a citizen).
AUTHOR_RATES = ["answer_rate", "question_answer_rate", "median_hours_to_answer", "p90_hours_to_answer",
                "page_comment_share", "citizen_reply_share", "reciprocity"]
_BATCH = 1 << 18  # top-level comments tested for questions at a time
_BY = {"page_id": ["page_id"], "month": ["month"], ("page_id", "month"): ["page_id", "month"], None: []}


def _keys(by) -> list[str]:
    key = tuple(by) if isinstance(by, (list, tuple)) else by
    if isinstance(key, tuple) and len(key) == 1:
        key = key[0]
    if key not in _BY:
        raise ValueError(f"by must be 'page_id', 'month', ['page_id', 'month'] or None, got {by!r}")
    return _BY[key]


def _groups(frame: pd.DataFrame, keys: list[str], index: pd.Index) -> np.ndarray:
    """Row of ``index`` of each row's group by ``keys``: -1 when a key is missing or the group is not
    in ``index`` (as grouping, which drops missing keys, then reindexing would treat it)."""
    if not keys:
        return np.zeros(len(frame), dtype=np.int64)
    codes, uniques = pd.factorize(frame[keys[0]])
    for key in keys[1:]:
        more, values = pd.factorize(frame[key])
        missing = (codes < 0) | (more < 0)
        codes, pairs = pd.factorize(np.where(missing, -1, codes * np.int64(len(values)) + more))
        codes[missing] = -1
        first, second = np.divmod(np.maximum(pairs, 0), max(len(values), 1))
        uniques = pd.MultiIndex.from_arrays([uniques.take(first), values.take(second)])
    where = np.append(index.get_indexer(uniques), -1)  # code -1 (missing) takes the last slot
    return where[codes]


def _count(groups: np.ndarray, mask, size: int) -> np.ndarray:
    return np.bincount(groups[np.asarray(mask, dtype=bool) & (groups >= 0)], minlength=size)


def _dyads(per_post: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """A code per post for its grouping values and its page (a missing value is a value of its own)."""
    where = np.zeros(len(per_post), dtype=np.int64)
    for col in dict.fromkeys(keys + ["page_id"]):
        codes, uniques = pd.factorize(per_post[col], use_na_sentinel=False)
        where = where * np.int64(len(uniques)) + codes
    return pd.factorize(where)[0]


def _reciprocity(dyad, node, parent_node, is_page, top, parent_is_page, groups, size, pooled) -> np.ndarray:
    """Share of page–citizen dyads with contact both ways (see :func:`responsiveness`), per group or
    ``pooled`` over the whole selection. ``dyad`` codes each comment's grouping values and page,
    ``node`` and ``parent_node`` its author and its parent's author (codes, -1 when unknown)."""
    to_page = ~is_page & (node >= 0) & (top | parent_is_page)
    from_page = is_page & (parent_node >= 0) & ~parent_is_page
    n = max(int(node.max(initial=-1)) + 1, 1)
    a = np.sort(dyad[to_page] * np.int64(n) + node[to_page])
    b = np.sort(dyad[from_page] * np.int64(n) + parent_node[from_page])
    both = np.sort(np.r_[a[runs(a)], b[runs(b)]])  # each dyad once from each side that made contact
    start = runs(both)
    mutual = np.diff(np.r_[start, len(both)]) == 2
    if pooled:
        return np.array([mutual.mean() if len(mutual) else np.nan])
    group_of = np.full(int(dyad.max(initial=-1)) + 1, -1, dtype=np.int64)
    group_of[dyad] = groups  # the grouping values are among the dyad's
    dyad_group = group_of[both[start] // n]
    ok = dyad_group >= 0
    dyads = np.bincount(dyad_group[ok], minlength=size)
    both_ways = np.bincount(dyad_group[ok & mutual], minlength=size)
    return np.divide(both_ways, dyads, out=np.full(size, np.nan), where=dyads > 0)


def _base_index(ds, keys, months):
    if keys == ["page_id"]:
        return pd.Index(sorted(ds.pages["page_id"].unique()), name="page_id", dtype="string")
    if not keys:
        return pd.Index(["all"])
    frame = pd.DataFrame({"page_id": ds.posts["page_id"], "month": months})
    frame = frame[keys].drop_duplicates().sort_values(keys)
    return pd.MultiIndex.from_frame(frame) if len(keys) > 1 else pd.Index(frame[keys[0]], name=keys[0])


def responsiveness(dataset, *, by="page_id", min_threads: int = 10, dialogue_rate: float = 0.25,
                   dialogue_hours: float = 48.0) -> pd.DataFrame:
    """Per page (or page and month): how often and how fast the page answers its citizens.

    Parameters
    ----------
    dataset : Dataset
    by : "page_id", "month", ["page_id", "month"] or None
        Grouping. ``month`` is the month of the post a comment is under, in the page's local time
        (first day of the month), so a thread answered after the month ended still counts in the
        month it started. ``None`` gives one row for the whole selection.
    min_threads : int
        Fewer citizen threads than this give no ``dialogue`` label.
    dialogue_rate, dialogue_hours : float
        Thresholds of the ``dialogue`` label (see Notes).

    Returns
    -------
    DataFrame, one row per page (every page of the dataset, with or without comments) or per page and
    month with posts; ``page_name`` first when grouping by page, then

    ``citizen_comments``
        comments not written by the page (with or without an author);
    ``page_comments``
        comments written by the page;
    ``threads``
        citizens' top-level comments: each opens a thread with every reply below it;
    ``answered_threads``, ``answer_rate``
        threads in which the page commented at least once (anywhere in the thread, at or after its
        start), and their share of ``threads``;
    ``questions``, ``answered_questions``, ``question_answer_rate``
        the same for threads whose top-level comment is a question (:func:`is_question`, in the
        comment's detected language);
    ``median_hours_to_answer``, ``p90_hours_to_answer``
        hours from a thread's first comment to the page's FIRST comment in that thread, over
        answered threads: the median and the 90th percentile (linear interpolation between order
        statistics, Hyndman & Fan type 7, as :meth:`pandas.Series.quantile`);
    ``page_comment_share``
        ``page_comments / (page_comments + citizen_comments)``;
    ``citizen_replies``, ``citizen_reply_share``
        replies by a citizen to another citizen's comment (a reply to one's own comment is not
        counted; a reply with an unknown author to a citizen is), divided by ``citizen_comments``:
        the horizontal discussion among citizens;
    ``reciprocity``
        the share of page–citizen dyads in which contact went both ways. A citizen is in a dyad with
        the page when they addressed the page (a top-level comment under its post, or a reply to a
        page comment) or the page replied to one of their comments; the dyad is mutual when both
        happened. This is the dyad-based reciprocity M / (M + A) of Wasserman & Faust (1994, §13.2)
        restricted to page–citizen pairs (networkx's edge-based ``overall_reciprocity`` is
        2M / (2M + A)). Commenters without an author id are not in any dyad;
    ``dialogue``
        ``"dialogue"`` when the page answers at least ``dialogue_rate`` of the threads (default a
        quarter) AND its median time to answer is at most ``dialogue_hours`` (default 48: an answer
        days later no longer continues a conversation); ``"one-way"`` otherwise; missing when there
        are fewer than ``min_threads`` threads. The categories follow the one-way / two-way
        communication models of Grunig & Hunt (1984) as used for municipal Facebook pages by
        Bonsón et al. (2015, *Government Information Quarterly* 32:52–62).

    Rates are ``NaN`` when their denominator is 0, and the rates of :data:`AUTHOR_RATES` (and
    ``dialogue``) also when no comment of the group names its author: the export (Page Public
    Content Access, some Facepager presets) cannot tell the page's answers from the citizens'.

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> r = responsiveness(example_dataset(), min_threads=1)
    >>> r[["threads", "answer_rate", "median_hours_to_answer", "reciprocity", "dialogue"]].to_dict("index")
    {'P': {'threads': 2, 'answer_rate': 0.5, 'median_hours_to_answer': 2.0, 'reciprocity': 0.5, 'dialogue': 'dialogue'}}
    """
    ds = check_dataset(dataset)
    keys = _keys(by)
    if isinstance(min_threads, bool) or not isinstance(min_threads, (int, np.integer)) or min_threads < 0:
        raise ValueError(f"min_threads must be a whole number >= 0, got {min_threads!r}")
    # the comment table's rows and columns as integer codes: each comment's post, parent and thread
    rows = links(ds)
    c, posts = ds.comments, ds.posts
    months = post_months(ds)
    index = _base_index(ds, keys, months)
    size = len(index)
    # a comment is in the group of its post (its page and month); one under a post missing from the
    # posts table is in none, but counts in the whole selection
    per_post = pd.DataFrame({"page_id": posts["page_id"], "month": months})
    group = np.append(_groups(per_post, keys, index), -1 if keys else 0)[rows.post]
    # the dyad values: the grouping values and the page, a missing one a value of its own
    dyad = _dyads(per_post, keys)
    dyad = np.append(dyad, dyad.max(initial=-1) + 1)[rows.post]
    # nodes: the page for its own comments, else the author (-1: unknown)
    (author, post_page), _ = sorted_codes(c["author_id"], posts["page_id"])
    node = np.where(rows.is_page, np.append(post_page, -1)[rows.post], author)
    has_parent = rows.parent >= 0
    parent_node = np.where(has_parent, node[np.maximum(rows.parent, 0)], -1)
    parent_is_page = has_parent & rows.is_page[np.maximum(rows.parent, 0)]
    # the threads (as threads() has them, without building its table): their group is their
    # top-level comment's
    created = c["created_at"].array
    roots, _, _, first_answer_at = _thread_counts(rows.is_page, rows.top, rows.root, created,
                                                  take(created, rows.root), np.arange(len(c)))
    thread_group = group[roots]
    answered = first_answer_at.notna().to_numpy()
    hours = hours_between(pd.Series(take(created, roots)), first_answer_at).to_numpy()
    question = np.zeros(len(roots), dtype=bool)
    for lo in range(0, len(roots), _BATCH):  # a batch of texts at a time: less memory
        batch = roots[lo:lo + _BATCH]
        question[lo:lo + _BATCH] = is_question(pd.Series(take(c["text"], batch)),
                                               c["lang"].take(batch).astype("object").to_numpy()).to_numpy()
    is_page = rows.is_page
    self_reply = (node == parent_node) & (node >= 0)
    citizen_reply = ~is_page & has_parent & ~parent_is_page & ~self_reply
    out = pd.DataFrame(index=index)
    out["citizen_comments"] = _count(group, ~is_page, size)
    out["page_comments"] = _count(group, is_page, size)
    out["threads"] = _count(thread_group, np.ones(len(roots), dtype=bool), size)
    out["answered_threads"] = _count(thread_group, answered, size)
    out["questions"] = _count(thread_group, question, size)
    out["answered_questions"] = _count(thread_group, question & answered, size)
    out["citizen_replies"] = _count(group, citizen_reply, size)
    if keys:
        ok = answered & (thread_group >= 0)
        grouped = pd.Series(hours[ok]).groupby(thread_group[ok])
        out["median_hours_to_answer"] = grouped.median().reindex(range(size)).to_numpy()
        out["p90_hours_to_answer"] = grouped.quantile(0.9).reindex(range(size)).to_numpy()
    else:
        h = pd.Series(hours[answered])
        out["median_hours_to_answer"] = [h.median()]
        out["p90_hours_to_answer"] = [h.quantile(0.9)]
    out["reciprocity"] = _reciprocity(dyad, node, parent_node, is_page, rows.top, parent_is_page, group, size,
                                      pooled=not keys)
    counts = ["citizen_comments", "page_comments", "threads", "answered_threads", "questions",
              "answered_questions", "citizen_replies"]
    out[counts] = out[counts].astype("int64")
    for col in ("median_hours_to_answer", "p90_hours_to_answer", "reciprocity"):
        out[col] = out[col].astype("float64")

    def ratio(num, den):
        n, d = out[num].to_numpy(dtype=float), out[den].to_numpy(dtype=float)
        return np.divide(n, d, out=np.full(len(out), np.nan), where=d > 0)

    out["answer_rate"] = ratio("answered_threads", "threads")
    out["question_answer_rate"] = ratio("answered_questions", "questions")
    total = out["page_comments"] + out["citizen_comments"]
    out["page_comment_share"] = np.divide(out["page_comments"].to_numpy(dtype=float), total.to_numpy(dtype=float),
                                          out=np.full(len(out), np.nan), where=total.to_numpy() > 0)
    out["citizen_reply_share"] = ratio("citizen_replies", "citizen_comments")
    # an export that names no comment's author (Page Public Content Access, some Facepager presets)
    # cannot tell the page's answers from the citizens' comments: those rates are unknown, not 0
    unknown = _count(group, (node >= 0) | is_page, size) == 0
    out.loc[unknown, AUTHOR_RATES] = np.nan
    is_dialogue = (out["answer_rate"] >= dialogue_rate) & (out["median_hours_to_answer"] <= dialogue_hours)
    label = pd.Series(np.where(is_dialogue, "dialogue", "one-way"), index=out.index, dtype="string")
    out["dialogue"] = label.mask((out["threads"] < max(int(min_threads), 1)) | unknown)
    out = out[COLUMNS]
    if "page_id" in keys:
        names = ds.pages.drop_duplicates("page_id").set_index("page_id")["page_name"]
        out.insert(0, "page_name", names.reindex(out.index.get_level_values("page_id")).to_numpy())
        out["page_name"] = out["page_name"].astype("string")
    return out

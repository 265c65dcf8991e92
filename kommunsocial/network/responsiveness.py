"""Responsiveness: how often and how fast a page answers citizens, and how much citizens talk among themselves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._threads import _local_month, check_dataset, comment_table, threads
from .questions import is_question

__all__ = ["responsiveness", "COLUMNS"]

#: Output columns of :func:`responsiveness`, in order (``page_name`` first when grouping by page).
COLUMNS = ["citizen_comments", "page_comments", "threads", "answered_threads", "answer_rate", "questions",
           "answered_questions", "question_answer_rate", "median_hours_to_answer", "p90_hours_to_answer",
           "page_comment_share", "citizen_replies", "citizen_reply_share", "reciprocity", "dialogue"]
_BY = {"page_id": ["page_id"], "month": ["month"], ("page_id", "month"): ["page_id", "month"], None: []}


def _keys(by) -> list[str]:
    key = tuple(by) if isinstance(by, (list, tuple)) else by
    if isinstance(key, tuple) and len(key) == 1:
        key = key[0]
    if key not in _BY:
        raise ValueError(f"by must be 'page_id', 'month', ['page_id', 'month'] or None, got {by!r}")
    return _BY[key]


def _count(frame, mask, keys, name):
    sub = frame.loc[np.asarray(mask, dtype=bool), keys]
    if not keys:
        return pd.Series([len(sub)], index=["all"], name=name)
    return sub.groupby(keys, observed=True).size().rename(name)


def _reciprocity(table, is_page, keys):
    """Share of page–citizen dyads with contact both ways (see :func:`responsiveness`)."""
    dyad = list(dict.fromkeys(keys + ["page_id"]))
    known = table["node"].notna().to_numpy()
    to_page = ~is_page & known & (table["parent_id"].isna().to_numpy() | table["parent_is_page"].to_numpy())
    from_page = is_page & table["parent_node"].notna().to_numpy() & ~table["parent_is_page"].to_numpy()
    a = table.loc[to_page, dyad + ["node"]].drop_duplicates().assign(a=True)
    b = (table.loc[from_page, dyad + ["parent_node"]].rename(columns={"parent_node": "node"})
         .drop_duplicates().assign(b=True))
    both = a.merge(b, on=dyad + ["node"], how="outer")
    both["mutual"] = both["a"].eq(True) & both["b"].eq(True)
    if not keys:
        return pd.Series([both["mutual"].mean() if len(both) else np.nan], index=["all"], name="reciprocity")
    return both.groupby(keys, observed=True)["mutual"].mean().rename("reciprocity")


def _base_index(ds, keys):
    if keys == ["page_id"]:
        return pd.Index(sorted(ds.pages["page_id"].unique()), name="page_id", dtype="string")
    if not keys:
        return pd.Index(["all"])
    posts = ds.posts
    country = ds.pages.drop_duplicates("page_id").set_index("page_id")["country"].astype("object")
    frame = pd.DataFrame({"page_id": posts["page_id"],
                          "month": _local_month(posts["created_at"], posts["page_id"].map(country))})
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

    Rates are ``NaN`` when their denominator is 0.

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
    table = comment_table(ds)
    th = threads(ds, table=table)
    th = th.assign(is_question=is_question(th["text"], th["lang"]).to_numpy())
    is_page = table["author_is_page"].fillna(False).to_numpy(dtype=bool)
    self_reply = (table["node"] == table["parent_node"]).fillna(False).to_numpy(dtype=bool)
    citizen_reply = (~is_page & (table["parent_pos"].to_numpy() >= 0) & ~table["parent_is_page"].to_numpy()
                     & ~self_reply)
    answered = th["answered"].to_numpy(dtype=bool)
    parts = [
        _count(table, ~is_page, keys, "citizen_comments"),
        _count(table, is_page, keys, "page_comments"),
        _count(th, np.ones(len(th), dtype=bool), keys, "threads"),
        _count(th, answered, keys, "answered_threads"),
        _count(th, th["is_question"], keys, "questions"),
        _count(th, th["is_question"].to_numpy() & answered, keys, "answered_questions"),
        _count(table, citizen_reply, keys, "citizen_replies"),
    ]
    hours = th.loc[answered, keys + ["hours_to_answer"]]
    grouped = hours.groupby(keys, observed=True)["hours_to_answer"] if keys else None
    if keys:
        parts += [grouped.median().rename("median_hours_to_answer"),
                  grouped.quantile(0.9).rename("p90_hours_to_answer")]
    else:
        h = hours["hours_to_answer"]
        parts += [pd.Series([h.median()], index=["all"], name="median_hours_to_answer"),
                  pd.Series([h.quantile(0.9)], index=["all"], name="p90_hours_to_answer")]
    parts.append(_reciprocity(table, is_page, keys))
    index = _base_index(ds, keys)
    out = pd.DataFrame(index=index)
    for part in parts:
        out[part.name] = part.reindex(index).to_numpy()
    counts = ["citizen_comments", "page_comments", "threads", "answered_threads", "questions",
              "answered_questions", "citizen_replies"]
    out[counts] = out[counts].fillna(0).astype("int64")
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
    is_dialogue = (out["answer_rate"] >= dialogue_rate) & (out["median_hours_to_answer"] <= dialogue_hours)
    label = pd.Series(np.where(is_dialogue, "dialogue", "one-way"), index=out.index, dtype="string")
    out["dialogue"] = label.mask(out["threads"] < max(int(min_threads), 1))
    out = out[COLUMNS]
    if "page_id" in keys:
        names = ds.pages.drop_duplicates("page_id").set_index("page_id")["page_name"]
        out.insert(0, "page_name", names.reindex(out.index.get_level_values("page_id")).to_numpy())
        out["page_name"] = out["page_name"].astype("string")
    return out

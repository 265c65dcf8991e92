"""Municipalities side by side: one row per page with its size, tone, engagement and responsiveness."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import spreadsheet
from . import render
from .sortable import Sortable, collation_for, collation_ranks, sortable
from ..schema import Dataset

__all__ = ["municipality_table", "comments_not_collected", "readable", "overview", "sortable", "Sortable", "caveats",
           "follower_prose", "correlations", "save_table", "COLUMNS", "OVERVIEW", "SMALL_PAGE_POSTS"]

#: Columns of :func:`municipality_table`, in order (the index is ``page_id``).
COLUMNS = ["page_name", "municipality_code", "country", "source_format", "followers", "followers_at_posting",
           "followers_source", "population", "followers_per_1000_inhabitants", "posts", "posts_per_week",
           "first_post", "last_post",
           "share_conversational", "mean_formality", "P3", "C3", "V3", "E", "threads", "answer_rate", "questions",
           "question_answer_rate", "median_hours_to_answer", "dialogue", "comments_present", "comments_reported",
           "comment_coverage"]
#: Responsiveness columns that are unknown (not zero) for a page whose comments the export lacks.
_RESPONSIVENESS = ["threads", "answer_rate", "questions", "question_answer_rate", "median_hours_to_answer",
                   "dialogue"]
#: Pages with fewer posts than this are flagged as noisy by :func:`caveats`.
SMALL_PAGE_POSTS = 50


def _check(dataset) -> Dataset:
    if not isinstance(dataset, Dataset):
        raise TypeError(f"expected a kommunsocial.Dataset, got {type(dataset).__name__}; "
                        f"read one with ks.Dataset.read(folder) or ks.report.open_dataset(name)")
    dup = dataset.pages["page_id"].duplicated(keep=False)
    if dup.any():
        raise ValueError(f"page ids {sorted(set(dataset.pages.loc[dup, 'page_id']))} occur on more than one platform; "
                         f"compare one platform at a time (ds.select(page=...))")
    return dataset


def _float(series: pd.Series) -> pd.Series:
    """float64 with NaN for missing values, whatever missing marker (NA, None, NaN) the column holds."""
    return series.astype(object).astype("Float64").astype("float64")


def _coverage(ds: Dataset) -> pd.DataFrame:
    """Per page: comments present under posts whose platform count is known, and that count's sum."""
    posts = ds.posts[["post_id", "page_id", "n_comments"]]
    present = ds.comments.groupby("post_id").size()
    known = posts[posts["n_comments"].notna()]
    per = pd.DataFrame({"page_id": known["page_id"].to_numpy(),
                        "present_known": present.reindex(known["post_id"]).fillna(0).to_numpy(dtype="int64"),
                        "reported": known["n_comments"].to_numpy(dtype="int64")})
    out = per.groupby("page_id").agg(present_known=("present_known", "sum"), comments_reported=("reported", "sum"))
    out["comments_present"] = (posts.assign(n=present.reindex(posts["post_id"]).fillna(0).to_numpy(dtype="int64"))
                               .groupby("page_id")["n"].sum())
    return out


def municipality_table(dataset, *, tone_method: str | None = "index", threshold: float = 50, likes: str = "reactions",
                       min_threads: int = 10, metrics: pd.DataFrame | None = None,
                       responsiveness: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per municipality (page): size, period, tone, Bonsón engagement, responsiveness, comment coverage.

    Parameters
    ----------
    dataset : Dataset
    tone_method : "index", "classifier" or None
        How posts get a tone (:func:`kommunsocial.engagement.post_metrics`); None leaves tone out.
    threshold : float
        Formality at or above this is "formal".
    likes : "reactions" or "like"
        What counts as a like in P3 (:func:`kommunsocial.engagement.page_metrics`).
    min_threads : int
        Fewer citizen threads than this give no ``dialogue`` label
        (:func:`kommunsocial.network.responsiveness`).
    metrics : DataFrame, optional
        :func:`~kommunsocial.engagement.post_metrics` already computed for ``dataset``.
    responsiveness : DataFrame, optional
        :func:`~kommunsocial.network.responsiveness` already computed for ``dataset`` (with
        ``min_threads``).

    Returns
    -------
    DataFrame indexed by ``page_id`` (every page, sorted by name in the alphabet of most pages'
    country: :func:`~kommunsocial.report.sortable.collation_for`) with :data:`COLUMNS`:

    - ``page_name``, ``municipality_code``, ``country``; ``source_format`` (the export format(s)
      of the page's posts, joined with "+");
    - ``followers`` (latest known, from the pages table), ``followers_at_posting`` (the mean
      followers of the page's posts: the denominator of P3, C3, V3 and E), ``followers_source``
      ("at_posting" when the export gives every post's followers at posting, "page" when the latest
      count stands in for all, "mixed"), ``population`` (when known) and
      ``followers_per_1000_inhabitants``;
    - ``posts``, ``posts_per_week`` (from ``page_metrics``), ``first_post``, ``last_post`` (UTC);
    - ``share_conversational`` (0–1) and ``mean_formality`` (0–100) of the page's posts;
    - ``P3``, ``C3``, ``V3``, ``E``: Bonsón et al.'s popularity, commitment, virality and
      engagement per 1,000 followers, from :func:`kommunsocial.engagement.page_metrics`;
    - ``threads``, ``answer_rate``, ``questions``, ``question_answer_rate``,
      ``median_hours_to_answer``, ``dialogue``: from :func:`kommunsocial.network.responsiveness`;
    - ``comments_present`` (comments of the page's posts in the export), ``comments_reported``
      (the platform's ``n_comments`` summed over the posts that have it) and ``comment_coverage``
      = comments present under those same posts / ``comments_reported`` (can exceed 1 when the
      platform's count leaves out replies or hidden comments).

    Missing stays missing: a page without posts has no metrics; where a count is missing in the
    export the metric built on it is missing; a page whose comments are not in the export (none
    present while the platform reports some or gives no count, as in CrowdTangle and DYI exports)
    has missing responsiveness columns — an unknown answer rate, not a zero one. The table's
    ``attrs`` record ``tone_method`` and ``threshold``.

    Notes
    -----
    No new measure is computed here: engagement is Bonsón, Royo & Ratkai (2015, *Government
    Information Quarterly* 32:52–62) via ``page_metrics``; responsiveness and the dialogue label
    (after Grunig & Hunt 1984) via ``responsiveness``; tone via the formality index or classifier.

    Examples
    --------
    >>> from kommunsocial.network._example import example_dataset
    >>> t = municipality_table(example_dataset(), min_threads=1)
    >>> t[["posts", "threads", "answer_rate", "median_hours_to_answer", "comments_present"]].to_dict("index")
    {'P': {'posts': 1, 'threads': 2, 'answer_rate': 0.5, 'median_hours_to_answer': 2.0, 'comments_present': 4}}
    """
    from .. import engagement, network
    from ..tone.tagging import check_tone_method

    ds = _check(dataset)
    check_tone_method(tone_method, optional=True)
    try:  # a value passed on the command line (`-p threshold 60`) may arrive as text
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a number between 0 and 100, not {threshold!r}") from None
    pages = ds.pages.set_index("page_id")
    index = pd.Index(pages.index, name="page_id", dtype="string")
    out = pd.DataFrame(index=index)
    out["page_name"] = pages["page_name"].astype("string")
    out["municipality_code"] = pages["municipality_code"].astype("string")
    out["country"] = pages["country"].astype("string")
    # each page's distinct formats (the distinct pairs first: a page has hundreds of posts, one or two formats)
    pairs = pd.DataFrame({"page_id": ds.posts["page_id"], "source_format": ds.posts["source_format"].astype(str)})
    formats = pairs.drop_duplicates().groupby("page_id")["source_format"].agg(lambda s: "+".join(sorted(set(s))))
    out["source_format"] = formats.reindex(index).astype("string")
    out["followers"] = pages["followers"].astype("Int64")
    out["population"] = pages["population"].astype("Int64")

    if not len(ds.posts):
        metrics = pd.DataFrame({"page_id": pd.Series([], dtype="string"),
                                "followers_source": pd.Series([], dtype="string")})
        pm = pd.DataFrame(columns=["posts", "posts_per_week", "followers", "P3", "C3", "V3", "E"], dtype="float64")
    else:
        if metrics is None:
            metrics = engagement.post_metrics(ds, tone_method=tone_method, threshold=threshold)
        pm = engagement.page_metrics(ds, likes=likes, metrics=metrics)
    pm = pm.reindex(index)
    # "at_posting" when every post has its followers at posting, "page" when none has (the latest
    # count divides), "mixed" otherwise
    src = metrics[["page_id", "followers_source"]].drop_duplicates().groupby("page_id")["followers_source"].agg(
        lambda s: s.iloc[0] if s.nunique(dropna=False) == 1 else "mixed")
    out["followers_source"] = src.reindex(index).astype("string")
    out["followers_at_posting"] = _float(pm["followers"])
    pop = out["population"].astype("Float64")
    out["followers_per_1000_inhabitants"] = (out["followers"].astype("Float64") * 1000
                                             / pop.where(pop > 0)).astype("float64")
    out["posts"] = _float(pm["posts"]).fillna(0).astype("int64")
    summary = ds.summary().reindex(index)
    out["posts_per_week"] = _float(pm["posts_per_week"])
    out["first_post"], out["last_post"] = summary["first_post"], summary["last_post"]
    if "share_conversational" in pm:
        out["share_conversational"] = _float(pm["share_conversational"])
        out["mean_formality"] = metrics.groupby("page_id")["formality"].mean().reindex(index).astype("float64")
    else:
        out["share_conversational"] = out["mean_formality"] = np.nan
    for col in ("P3", "C3", "V3", "E"):
        out[col] = _float(pm[col])

    if responsiveness is None:
        responsiveness = network.responsiveness(ds, min_threads=min_threads)
    resp = responsiveness.reindex(index)
    for col in _RESPONSIVENESS:
        out[col] = resp[col]
    out[["threads", "questions"]] = out[["threads", "questions"]].astype("Int64")
    out["dialogue"] = out["dialogue"].astype("string")

    cov = _coverage(ds).reindex(index)
    out["comments_present"] = cov["comments_present"].fillna(0).astype("int64")
    out["comments_reported"] = cov["comments_reported"].astype("Int64")
    reported = cov["comments_reported"].astype("float64")
    out["comment_coverage"] = (cov["present_known"].astype("float64") / reported.where(reported > 0))
    not_collected = comments_not_collected(out)
    for col in _RESPONSIVENESS:
        out[col] = out[col].mask(not_collected)
    # by name in the alphabet of most pages' country (Swedish: ... z å ä ö), ties by page id
    ranks = collation_ranks(out["page_name"], collation_for(out["country"])).to_numpy(dtype="float64", na_value=np.inf)
    out = out[COLUMNS].iloc[np.lexsort([np.asarray(out.index, dtype=object), ranks])]
    out.attrs = {"tone_method": tone_method, "threshold": threshold, "likes": likes}
    return out


def comments_not_collected(table: pd.DataFrame) -> pd.Series:
    """True for each page of a :func:`municipality_table` whose comments the export lacks.

    No comment in the export although the platform counted some (or gives no count): the comments
    were not collected, so threads and answers are unknown, not absent. Every table built on
    :func:`municipality_table` masks its responsiveness with this same test.

    >>> t = pd.DataFrame({"comments_present": [0, 0, 0, 3],
    ...                   "comments_reported": pd.array([5, None, 0, 3], dtype="Int64")})
    >>> comments_not_collected(t).tolist()
    [True, True, False, False]
    """
    return table["comments_present"].eq(0) & ~table["comments_reported"].eq(0).fillna(False)


_PERCENT = ["share_conversational", "answer_rate", "question_answer_rate", "comment_coverage"]
_LABELS = {
    "page_name": "municipality", "municipality_code": "code", "country": "country", "source_format": "export",
    "followers": "followers (latest)", "followers_at_posting": "followers at posting (mean)",
    "followers_source": "followers counted",
    "population": "population", "followers_per_1000_inhabitants": "followers per 1,000 inhabitants",
    "posts": "posts", "posts_per_week": "posts per week", "first_post": "first post", "last_post": "last post",
    "share_conversational": "conversational posts %", "mean_formality": "mean formality (0–100)",
    "P3": "P3 reactions", "C3": "C3 comments", "V3": "V3 shares", "E": "engagement E",
    "threads": "citizen threads", "answer_rate": "threads answered %", "questions": "questions",
    "question_answer_rate": "questions answered %", "median_hours_to_answer": "median hours to answer",
    "dialogue": "mode", "comments_present": "comments in export", "comments_reported": "comments reported",
    "comment_coverage": "comment coverage %",
}


_FOLLOWERS_SOURCE = {"at_posting": "at posting", "page": "latest count", "mixed": "mixed"}


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`municipality_table` for reading: shares in %, dates without time, plain-word headers.

    P3, C3, V3 and E are per 1,000 followers. The page id index is dropped (the name identifies
    the page); the CSV saved by :func:`save_table` keeps it.

    >>> t = pd.DataFrame({"page_name": ["Sjövik"], "answer_rate": [0.5]}, index=["P"])
    >>> readable(t).to_dict("records")
    [{'municipality': 'Sjövik', 'threads answered %': 50.0}]
    """
    out = table.copy()
    for col in _PERCENT:
        if col in out:
            out[col] = (100 * out[col].astype("float64")).round(1)
    if "followers_source" in out:  # the codes in words
        out["followers_source"] = out["followers_source"].astype("string").replace(_FOLLOWERS_SOURCE)
    for col in ("first_post", "last_post"):
        if col in out:
            out[col] = out[col].dt.strftime("%Y-%m-%d").astype("string")
    for col, digits in (("posts_per_week", 1), ("mean_formality", 1), ("median_hours_to_answer", 1),
                        ("followers_at_posting", 0), ("followers_per_1000_inhabitants", 0),
                        ("P3", 2), ("C3", 2), ("V3", 2), ("E", 2)):
        if col in out:
            out[col] = out[col].astype("float64").round(digits)
    out = out.reset_index(drop=True).rename(columns=_LABELS)
    out.attrs = {}
    return out


#: The comparison's tables: the substantive measures first, the details in folded tables (each
#: starts with the name). Every column of :data:`COLUMNS` is in exactly one of them.
OVERVIEW = {
    "": ["page_name", "E", "answer_rate", "median_hours_to_answer", "share_conversational", "mean_formality",
         "posts", "followers", "dialogue"],
    "Engagement and answering in detail": ["page_name", "P3", "C3", "V3", "threads", "questions",
                                           "question_answer_rate", "comments_present", "comments_reported",
                                           "comment_coverage"],
    "Size, period and source": ["page_name", "municipality_code", "country", "population", "followers_at_posting",
                                "followers_source", "followers_per_1000_inhabitants", "posts_per_week",
                                "first_post", "last_post", "source_format"],
}


def overview(table: pd.DataFrame) -> Sortable:
    """The comparison as a reader meets it: one sortable table of the substantive measures
    (:data:`OVERVIEW`: engagement E, threads answered %, hours to answer, conversational posts %,
    formality, posts, followers, mode), then the other columns in folded sortable tables.

    Each table has the municipality's name first (it stays in view when the table scrolls
    sideways); names sort in the alphabet of most pages' country (Swedish "Älvby" after "Zeta").
    Returns a :class:`~kommunsocial.report.sortable.Sortable` (its ``frame``: the first table).

    >>> from kommunsocial.network._example import example_dataset
    >>> html = overview(municipality_table(example_dataset(), min_threads=1))._repr_html_()
    >>> html.count("<table"), html.count("<details>"), html.index("engagement E") < html.index("posts<")
    (3, 2, True)
    """
    collation = collation_for(table["country"]) if "country" in table else "sv"
    parts, first = [], None
    for title, columns in OVERVIEW.items():
        shown = sortable(readable(table[[c for c in columns if c in table]]), collation=collation)
        if not title:
            first = shown
            parts.append(shown._repr_html_())
        else:
            parts.append(f"<details><summary>{render.escape(title)}: {len(shown.frame.columns) - 1} more "
                         f"columns (click to open)</summary>{shown._repr_html_()}</details>")
    return Sortable("\n".join(parts), first.frame)


# -- what a reader must know -----------------------------------------------------------------------
def caveats(table: pd.DataFrame, *, small_posts: int = SMALL_PAGE_POSTS, min_coverage: float = 0.8):
    """The data-specific cautions for reading :func:`municipality_table`, as a Markdown bullet list.

    Names the small pages (fewer than ``small_posts`` posts), the pages covering a shorter period
    than the rest, the state of the comments (absent from the export, or coverage below
    ``min_coverage``), the pages whose latest followers differ by more than 10 % from the followers
    at posting, and how tone was measured. Returns ``IPython.display.Markdown`` (its ``.data``
    holds the text).

    >>> t = pd.DataFrame({"page_name": ["A"], "posts": [10], "comments_present": [0],
    ...                   "comments_reported": pd.array([None], dtype="Int64")})
    >>> "no comments" in caveats(t).data
    True
    """
    t = table
    notes = []
    if not len(t):
        return render.note("No pages in this selection.")
    names = t["page_name"].astype(str)

    def listing(mask):
        picked = sorted(names[np.asarray(mask, dtype=bool)])
        # page names are the pages' own text: no Markdown or HTML of theirs may take effect
        return ", ".join(map(render.markdown_text, picked[:8])) + (f" and {len(picked) - 8} more"
                                                                    if len(picked) > 8 else "")

    if "posts" in t:
        small = t["posts"] < small_posts
        if small.any():
            notes.append(f"**Small pages.** {int(small.sum())} of {len(t)} pages have fewer than {small_posts} posts "
                         f"({listing(small)}): their rates rest on few posts and comments and move a lot by chance.")
        if "followers" in t and t["followers"].notna().any():
            f = t["followers"].dropna().astype(float)
            spread = f"{f.min():,.0f}" if f.min() == f.max() else f"from {f.min():,.0f} to {f.max():,.0f}"
            notes.append(f"**Page size.** Followers: {spread}; P3, C3, V3 and E are "
                         f"per 1,000 followers, so pages of different size can be compared, but a small page's "
                         f"rate is noisier.")
    if {"first_post", "last_post"} <= set(t.columns) and t["first_post"].notna().any():
        first, last = t["first_post"].dropna(), t["last_post"].dropna()
        span = (last.max() - first.min()).total_seconds()
        own = (t["last_post"] - t["first_post"]).dt.total_seconds()
        short = (own < 0.75 * span).fillna(False) if span > 0 else own.isna() & False
        text = (f"**Period.** Posts run from {first.min():%Y-%m-%d} to {last.max():%Y-%m-%d}.")
        if short.any():
            text += (f" {int(short.sum())} page(s) cover less than three quarters of that period "
                     f"({listing(short)}); compare them over a common period (parameters `start`, `end`).")
        else:
            text += " Every page covers at least three quarters of that period."
        notes.append(text)
    if "comments_present" in t:
        reported = t["comments_reported"] if "comments_reported" in t else pd.Series(pd.NA, index=t.index)
        if t["comments_present"].sum() == 0:
            fmt = "+".join(sorted(set("+".join(t["source_format"].dropna().astype(str)).split("+")) - {""})) \
                if "source_format" in t else ""
            fmt = render.markdown_text(fmt)
            notes.append("**Comments.** This export has no comments" + (f" (format: {fmt})" if fmt else "") +
                         ": answer rates, times to answer and the dialogue label are missing — unknown, not zero. "
                         "CrowdTangle exports never have comments; a page's own *Download your information* "
                         "export has no counts.")
        elif "comment_coverage" in t:
            cov = t["comment_coverage"]
            low = (cov < min_coverage).fillna(False)
            text = "**Comments.** "
            if cov.notna().any():
                lo, hi = f"{100 * cov.min():.0f}", f"{100 * cov.max():.0f}"
                text += (f"The export holds {lo if lo == hi else f'{lo}–{hi}'} % of the comments the platform "
                         f"reports {'for every page' if lo == hi else 'per page'}.")
            if low.any():
                text += (f" Below {100 * min_coverage:.0f} % for {listing(low)}: their answer rates rest on the "
                         f"comments present, which may not be a random part of all comments.")
            if reported.isna().all():
                text += " The export has no comment counts, so coverage is unknown."
            notes.append(text)
    if {"followers", "followers_at_posting"} <= set(t.columns):
        latest, at = t["followers"].astype("Float64"), t["followers_at_posting"].astype("Float64")
        drift = ((latest - at).abs() / at > 0.10).fillna(False).astype(bool)
        if drift.any():
            notes.append(f"**Followers.** For {listing(drift)} the latest follower count differs by more than 10 % "
                         f"from the mean followers at posting (the denominator used here).")
    if "followers_source" in t and t["followers_source"].notna().any():
        latest_only = t["followers_source"].isin(["page", "mixed"]).fillna(False)
        if latest_only.all():
            notes.append("**Followers.** The export gives no followers at posting, so every rate divides by the "
                         "page's latest follower count: a page that grew during the period has its early rates "
                         "understated, one that shrank overstated.")
        elif latest_only.any():
            notes.append(f"**Followers.** For {listing(latest_only)} the export lacks followers at posting for some "
                         f"or all posts; the latest count divides instead, the other pages use followers at posting.")
    method = t.attrs.get("tone_method")
    if method:
        notes.append(f"**Tone is measured.** By the {'formality index' if method == 'index' else 'tone classifier'} "
                     f"(formal at formality ≥ {t.attrs.get('threshold', 50):g}); misclassified posts blur the "
                     f"differences between pages. See the tone report's agreement with human coders.")
    return render.markdown("\n".join(f"- {n}" for n in notes))


#: The comparison report's paragraphs on followers and the per-follower rates: with follower counts, and without.
_FOLLOWER_PROSE = {
    "columns": (
        "**Followers** are the latest known count; **followers at posting** the mean over the page's posts, the "
        "denominator of the per-follower rates (*followers counted* says whether the export had followers at "
        "posting or the latest count stands in). **P3**, **C3**, **V3**: reactions, comments and shares per post "
        "per 1,000 followers; **E** = P3 + C3 + V3 (Bonsón et al. 2015).",
        "This export has no follower counts, so the followers columns and the per-follower rates **P3**, **C3**, "
        "**V3** (reactions, comments and shares per post per 1,000 followers) and **E** = P3 + C3 + V3 (Bonsón "
        "et al. 2015) are empty (–), and so are the figures and correlations of E below."),
    "caveats": (
        "- **Page size.** P3, C3, V3 and E are per 1,000 followers so that pages of different size can be "
        "compared, but a small page's rates rest on few posts and comments and vary a lot by chance; large "
        "differences between small pages may be noise.\n"
        "- **Followers at posting vs latest followers.** Followers at posting are the right denominator. Where an "
        "export lacks them, the page's latest count is used: a page that grew during the period has its early "
        "rates understated.",
        "- **No follower counts.** This export has no follower counts: engagement per 1,000 followers (P3, C3, "
        "V3, E) is not available, and counts per post grow with a page's audience, so pages of different size "
        "are not comparable on engagement. Add a `pages.csv` with each page's followers, or an export that has "
        "them (CrowdTangle, X), to compare engagement."),
}


def follower_prose(section: str, table: pd.DataFrame):
    """The comparison report's paragraph ``section`` ("columns": what the follower columns mean;
    "caveats": the cautions on page size and the denominator) worded for whether any page of
    ``table`` (of :func:`municipality_table`) has follower counts; ``IPython.display.Markdown``.

    >>> t = pd.DataFrame({"followers": [float("nan")], "followers_at_posting": [float("nan")]})
    >>> "no follower counts" in follower_prose("caveats", t).data
    True
    """
    if section not in _FOLLOWER_PROSE:
        raise ValueError(f"section must be one of {sorted(_FOLLOWER_PROSE)}")
    known = any(c in table and table[c].notna().any() for c in ("followers", "followers_at_posting"))
    return render.markdown(_FOLLOWER_PROSE[section][0 if known else 1])


def correlations(table: pd.DataFrame, *, against: str = "E",
                 columns=("share_conversational", "answer_rate", "question_answer_rate")) -> pd.DataFrame:
    """Spearman rank correlation across municipalities between ``against`` and each of ``columns``.

    Returns one row per column with ``pages`` (pages with both values), ``rho`` and a two-sided
    ``p_value`` (missing with fewer than 3 pages). An association between municipalities, not the
    effect of one thing on another: large and small, urban and rural pages differ in many ways.

    Notes
    -----
    Spearman (1904), via :func:`scipy.stats.spearmanr`.

    >>> t = pd.DataFrame({"E": [1.0, 2.0, 3.0, 4.0], "answer_rate": [0.1, 0.3, 0.2, 0.4]})
    >>> correlations(t, columns=["answer_rate"])["rho"].round(2).tolist()
    [0.8]
    """
    from scipy import stats

    if against not in table:
        raise KeyError(f"{against!r} is not a column of the table")
    rows = []
    for col in columns:
        if col not in table:
            continue
        d = table[[col, against]].astype("float64").dropna()
        rho = p = np.nan
        if len(d) >= 3 and d[col].nunique() > 1 and d[against].nunique() > 1:
            res = stats.spearmanr(d[col], d[against])
            rho, p = float(res.statistic), float(res.pvalue)
        rows.append({"measure": col, "against": against, "pages": len(d), "rho": rho, "p_value": p})
    return pd.DataFrame(rows, columns=["measure", "against", "pages", "rho", "p_value"]).set_index("measure")


def save_table(table: pd.DataFrame, folder, name: str = "municipalities") -> Path:
    """Write ``table`` as ``<folder>/<name>.csv`` (UTF-8, ISO timestamps, page id kept, texts safe to open
    in a spreadsheet: :mod:`kommunsocial.spreadsheet`); returns the path."""
    from .._atomic import atomic_write

    path = Path(folder) / f"{name}.csv"
    with atomic_write(path) as tmp:
        spreadsheet.to_csv(table, tmp, date_format="%Y-%m-%dT%H:%M:%SZ")
    return path

"""What the engagement report cannot show for a dataset, and why, in sentences for the reader."""

from __future__ import annotations

import pandas as pd

from ..tone.resources import LANGS
from .models import NotEstimable, fit

__all__ = ["data_notes", "fit_or_explain", "NotFitted", "MIN_MODEL_POSTS", "has_followers", "prose",
           "shown_page_metrics", "count_summary"]

#: Fewer posts than this with every count are too few for the count model: with the tone, topic, post
#: type and weekday terms it estimates a dozen or more coefficients, and the usual rule of thumb asks
#: for some ten observations per coefficient before the estimates mean anything.
MIN_MODEL_POSTS = 30


_COUNTS = ("reactions", "comments", "shares")


def has_followers(metrics: pd.DataFrame) -> bool:
    """Whether any post has a follower count above 0, so that rates per 1,000 followers exist (the
    figures then show them; without, counts per post)."""
    return "followers" in metrics and bool((metrics["followers"] > 0).fillna(False).any())


def data_notes(metrics: pd.DataFrame) -> str:
    """Sentences on what the engagement report leaves out for these posts (of :func:`post_metrics`)
    and why: no engagement counts, no follower counts, no text (no tone), too few posts for the model, one page.
    "" when nothing is missing.

    >>> m = pd.DataFrame({"page_id": ["a", "a"], "followers": pd.array([None, None], dtype="Int64"),
    ...                   "formality": [None, None], "comments": [1, 2]})
    >>> print(data_notes(m))
    This export has no follower counts: per-follower rates are not available, so the figures show counts per post and the model has no exposure. No post has text (2 posts), so tone cannot be scored: the tone figures and the tone estimates are not available; an export with the posts' message column is needed. Only 2 posts have comment counts: too few posts for the count model, which needs at least 30. This dataset has one page: the model has no page fixed effects and its standard errors are not clustered by page.
    """
    notes = []
    n = len(metrics)
    lacking = [c for c in _COUNTS if c in metrics and not metrics[c].notna().any()]
    no_counts = bool(n) and len(lacking) == len(_COUNTS)
    if no_counts:
        notes.append("This export has no engagement counts (reactions, comments, shares): the figures, Bonsón's "
                     "metrics and the model are not available; an export with the posts' counts is needed.")
    elif n and lacking:
        # interactions (reactions + comments + shares) are missing whenever one part is
        names = " or ".join(c.removesuffix("s") for c in lacking)
        notes.append(f"This export has no {names} counts: {', '.join(lacking)}, the interactions that include "
                     f"them and Bonsón's metrics of them are not available.")
    if "followers" in metrics and not metrics["followers"].notna().any():
        notes.append("This export has no follower counts: per-follower rates are not available, so the figures "
                     "show counts per post and the model has no exposure.")
    if "formality" in metrics:
        missing = metrics["formality"].isna()
        # a post with a language the index has no resources for (fi, other) has text, just no tone
        foreign = missing & ~metrics["lang"].astype("string").fillna("und").isin((*LANGS, "und")) \
            if "lang" in metrics else pd.Series(False, index=metrics.index)
        unscored, n_foreign = int((missing & ~foreign).sum()), int(foreign.sum())
        if n and unscored == n:
            notes.append(f"No post has text ({n:,} posts), so tone cannot be scored: the tone figures and the "
                         f"tone estimates are not available; an export with the posts' message column is needed.")
        elif unscored:
            verb = "has" if unscored == 1 else "have"
            notes.append(f"{unscored:,} of {n:,} posts {verb} no text and no tone: they are left out of every "
                         f"comparison of tones.")
        if n_foreign:
            verb = "is" if n_foreign == 1 else "are"
            notes.append(f"{n_foreign:,} of {n:,} posts {verb} in a language the tone index cannot read (it reads "
                         f"{', '.join(LANGS)}): they have no tone and are left out of every comparison of tones.")
    counted = int(metrics["comments"].notna().sum()) if "comments" in metrics else 0
    if counted == 0 and not no_counts:
        notes.append("No post has a comment count, so the count model cannot be fitted.")
    elif 0 < counted < MIN_MODEL_POSTS and not no_counts:
        notes.append(f"Only {counted:,} posts have comment counts: too few posts for the count model, which "
                     f"needs at least {MIN_MODEL_POSTS}.")
    pages = metrics["page_id"].nunique() if "page_id" in metrics else 0
    if pages == 1:
        notes.append("This dataset has one page: the model has no page fixed effects and its standard errors "
                     "are not clustered by page.")
    return " ".join(notes)


class NotFitted:
    """The place of a model that could not be estimated (:class:`NotEstimable`): no estimates,
    and the reason as its one caveat, so a report shows the reason where the estimates would be.

    >>> NotFitted("no post has a tone").caveats().to_dict("records")
    [{'term': '', 'note': 'not estimated: no post has a tone'}]
    """

    def __init__(self, reason: str):
        self.reason = reason
        self.params = self.pvalues = pd.Series(dtype=float)
        self.dropped, self.notes, self.nobs = {}, [f"not estimated: {reason}"], 0

    def conf_int(self) -> pd.DataFrame:
        return pd.DataFrame(columns=[0, 1], dtype=float)

    def caveats(self) -> pd.DataFrame:
        return pd.DataFrame([{"term": "", "note": note} for note in self.notes], columns=["term", "note"])


def fit_or_explain(posts: pd.DataFrame, *, min_posts: int = MIN_MODEL_POSTS, **kwargs):
    """:func:`~kommunsocial.engagement.fit` of ``posts``, or a :class:`NotFitted` saying why when
    nothing can be estimated from them (no post with every value the formula needs: no text and so
    no tone, say) or the fit rests on fewer than ``min_posts`` posts (its estimates would be noise
    reported as results); errors in the formula or the data are still raised."""
    try:
        model = fit(posts, **kwargs)
    except NotEstimable as exc:
        return NotFitted(str(exc))
    if model.nobs < min_posts:
        return NotFitted(f"only {model.nobs:,} posts have every value the model needs; it needs at least "
                         f"{min_posts}")
    return model


#: The paragraphs of the engagement report that depend on follower counts: with them, and without.
_PROSE = {
    "by_tone": (
        "Mean counts per 1,000 followers for formal and conversational posts. This is the naive comparison: it "
        "does not account for what the posts are about.",
        "Mean counts per post for formal and conversational posts: this export has no follower counts, so not per "
        "1,000 followers, and a page with a larger audience weighs more. This is the naive comparison: it does not "
        "account for what the posts are about."),
    "by_municipality": (
        "Median interactions (reactions + comments + shares) per 1,000 followers, for each municipality's formal "
        "and conversational posts.",
        "Median interactions (reactions + comments + shares) per post, for each municipality's formal and "
        "conversational posts: this export has no follower counts, so pages of different size are not put on "
        "one scale."),
    "bonson": (
        "P1 % of posts with a like, P2 likes per post, P3 = P2 × 1000 / followers (popularity); C1–C3 the same "
        "for comments (commitment); V1–V3 for shares (virality); E = P3 + C3 + V3 (engagement). Followers are the "
        "mean followers of each municipality's posts. What counts as a like is a parameter (all reactions by "
        "default).",
        "P1 % of posts with a like, P2 likes per post (popularity); C1–C2 the same for comments (commitment); "
        "V1–V2 for shares (virality). P3, C3, V3 and E divide these by the page's followers; this export has no "
        "follower counts, so they are left out. What counts as a like is a parameter (all reactions by default)."),
    "naive_vs_adjusted": (
        "The naive model has tone alone; the adjusted model is the formula above, with followers as exposure, for "
        "each outcome. When formal posts are more often about crises or council decisions — topics that draw comments "
        "whatever their tone — the naive ratio understates what tone does. For a generated dataset the planted "
        "value is marked.",
        "The naive model has tone alone; the adjusted model is the formula above for each outcome, without "
        "exposure (this export has no follower counts). When formal posts are more often about crises or council decisions — topics that draw comments "
        "whatever their tone — the naive ratio understates what tone does. For a generated dataset the planted "
        "value is marked."),
    "tone_share": (
        "Each municipality's share of conversational posts against its engagement E. A between-municipality "
        "picture: large and small pages differ in many ways besides tone.",
        "Each municipality's share of conversational posts against its interactions per post (this export has no "
        "follower counts, so no engagement E per 1,000 followers). A between-municipality picture: large and "
        "small pages differ in many ways besides tone, here their audience too."),
    "denominator": (
        "Followers at posting are the right denominator; where an export lacks them the page's latest count is "
        "used (column `followers_source`).",
        "This export has no follower counts: every figure and table shows counts per post, which grow with a "
        "page's audience, so compare pages of different size with care."),
}


def prose(section: str, metrics: pd.DataFrame) -> str:
    """The engagement report's paragraph ``section`` ("by_tone", "by_municipality", "bonson",
    "naive_vs_adjusted", "tone_share", "denominator") as Markdown, worded for what ``metrics`` (of
    :func:`post_metrics`) has: per 1,000 followers when any post has a follower count, per post
    otherwise (never a rate the report does not show).

    >>> m = pd.DataFrame({"followers": pd.array([None], dtype="Int64")})
    >>> prose("by_tone", m).startswith("Mean counts per post")
    True
    >>> prose("by_tone", m.assign(followers=pd.array([500], dtype="Int64"))).startswith("Mean counts per 1,000")
    True
    """
    if section not in _PROSE:
        raise ValueError(f"section must be one of {sorted(_PROSE)}")
    with_followers, without = _PROSE[section]
    return with_followers if has_followers(metrics) else without


#: The columns of :func:`page_metrics` that an export can leave without any value.
_BONSON = ("followers", "P1", "P2", "P3", "C1", "C2", "C3", "V1", "V2", "V3", "E")


def shown_page_metrics(table: pd.DataFrame) -> pd.DataFrame:
    """Bonsón's table (of :func:`page_metrics`) as the report shows it: without the followers and
    metric columns that no page has a value of (the per-follower P3, C3, V3 and E of an export
    without follower counts, V1–V3 of one without share counts), rather than columns of blanks.
    The saved CSV keeps every column.

    >>> t = pd.DataFrame({"P2": [1.5], "followers": [float("nan")], "P3": [float("nan")], "E": [float("nan")]})
    >>> list(shown_page_metrics(t).columns)
    ['P2']
    """
    return table.drop(columns=[c for c in _BONSON if c in table and not table[c].notna().any()])


def count_summary(metrics: pd.DataFrame) -> pd.DataFrame:
    """The posts' reactions, comments, shares and interactions (and interactions per 1,000 followers
    only when posts have follower counts) as a reader asks about counts: how many posts have one,
    how many have none, the mean, median, 90th percentile and maximum: one row per count. The counts
    the export has no value of are left out (no rows at all when it has no counts).

    >>> m = pd.DataFrame({"reactions": pd.array([0, 2, 4, None], dtype="Int64")})
    >>> count_summary(m).loc["reactions"].tolist()
    [3.0, 1.0, 2.0, 2.0, 3.6, 4.0]
    """
    columns = [*_COUNTS, "interactions"] + (["interactions_per_1000"] if has_followers(metrics) else [])
    present = [c for c in columns if c in metrics and metrics[c].notna().any()]
    if not present:
        return pd.DataFrame()
    values = metrics[present].astype("Float64")
    # counts are skewed: the median and the 90th percentile say more than a mean and a standard deviation
    stats = pd.DataFrame({"mean": values.mean(), "median": values.median(), "90th percentile": values.quantile(0.9),
                          "maximum": values.max()}).astype(float).round(1)
    out = pd.concat([pd.DataFrame({"posts counted": values.notna().sum().astype(int),
                                   "posts with none": (values == 0).sum().astype(int)}), stats], axis=1)
    out.index.name = "per post"
    return out

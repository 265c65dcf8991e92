"""What the engagement report cannot show for a dataset, and why, in sentences for the reader."""

from __future__ import annotations

import pandas as pd

from .models import NotEstimable, fit

__all__ = ["data_notes", "fit_or_explain", "NotFitted", "MIN_MODEL_POSTS"]

#: Fewer posts than this with every count are too few for the count model: with the tone, topic, post
#: type and weekday terms it estimates a dozen or more coefficients, and the usual rule of thumb asks
#: for some ten observations per coefficient before the estimates mean anything.
MIN_MODEL_POSTS = 30


def data_notes(metrics: pd.DataFrame) -> str:
    """Sentences on what the engagement report leaves out for these posts (of :func:`post_metrics`)
    and why: no follower counts, no text (no tone), too few posts for the model, one page.
    "" when nothing is missing.

    >>> m = pd.DataFrame({"page_id": ["a", "a"], "followers": pd.array([None, None], dtype="Int64"),
    ...                   "formality": [None, None], "comments": [1, 2]})
    >>> print(data_notes(m))
    This export has no follower counts: per-follower rates are not available, so the figures show counts per post and the model has no exposure. No post has text (2 posts), so tone cannot be scored: the tone figures and the tone estimates are not available; an export with the posts' message column is needed. Only 2 posts have comment counts: too few posts for the count model, which needs at least 30. This dataset has one page: the model has no page fixed effects and its standard errors are not clustered by page.
    """
    notes = []
    n = len(metrics)
    if "followers" in metrics and not metrics["followers"].notna().any():
        notes.append("This export has no follower counts: per-follower rates are not available, so the figures "
                     "show counts per post and the model has no exposure.")
    if "formality" in metrics:
        unscored = int(metrics["formality"].isna().sum())
        if n and unscored == n:
            notes.append(f"No post has text ({n:,} posts), so tone cannot be scored: the tone figures and the "
                         f"tone estimates are not available; an export with the posts' message column is needed.")
        elif unscored:
            verb = "has" if unscored == 1 else "have"
            notes.append(f"{unscored:,} of {n:,} posts {verb} no text and no tone: they are left out of every "
                         f"comparison of tones.")
    counted = int(metrics["comments"].notna().sum()) if "comments" in metrics else 0
    if counted < MIN_MODEL_POSTS:
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

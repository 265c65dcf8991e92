"""Per-post engagement and the page-level e-government metrics of Bonsón, Royo and Ratkai (2015)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import page_timezone

__all__ = ["post_metrics", "page_metrics", "WEEKDAYS"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MEDIA = {"photo", "video", "album", "reel", "live"}
_REACTION_TYPES = ("n_likes", "n_love", "n_haha", "n_wow", "n_sad", "n_angry", "n_care")


def _sum_or_na(frame: pd.DataFrame) -> pd.Series:
    """Row sums that are missing when any part is missing (a missing count is not a zero)."""
    return frame.sum(axis=1, min_count=frame.shape[1], skipna=False).astype("Int64")


def post_metrics(dataset, *, tone_method: str | None = "index", threshold: float = 50) -> pd.DataFrame:
    """One row per post: counts, interactions, rates per 1,000 followers, local time, form and tone.

    Parameters
    ----------
    dataset : Dataset
    tone_method : "index", "classifier" or None
        How to add ``formality`` and ``tone`` when the posts do not already have them
        (:func:`kommunsocial.tone.add_tone`); None leaves them out.
    threshold : float
        ``tone`` is "formal" when ``formality >= threshold``.

    Returns
    -------
    DataFrame indexed like ``dataset.posts`` with ``reactions``, ``likes`` (the like reaction
    alone), the per-type reactions, ``comments``, ``shares``, ``interactions`` (reactions +
    comments + shares; missing when any of the three is missing), ``followers`` and
    ``followers_source`` (``"at_posting"`` when the export gives followers at posting time, else
    ``"page"``: the page's latest known count), ``reactions_per_1000``, ``comments_per_1000``,
    ``shares_per_1000``, ``interactions_per_1000``; ``local_time`` and its ``weekday`` (Mon–Sun),
    ``hour``, ``month`` in the page's time zone; ``post_type``, ``text_length`` (characters),
    ``n_words``, ``has_link``, ``has_media``; ``lang`` (when the posts have it); ``formality`` and
    ``tone``.

    Missing counts stay missing: nothing is treated as zero.

    Examples
    --------
    >>> import kommunsocial as ks
    >>> m = post_metrics(ds)                                 # doctest: +SKIP
    """
    from ..tone.tagging import check_tone_method

    check_tone_method(tone_method, optional=True)
    posts = dataset.posts
    pages = dataset.pages.set_index("page_id")
    out = pd.DataFrame(index=posts.index)
    out["post_id"] = posts["post_id"]
    out["page_id"] = posts["page_id"]
    out["page_name"] = posts["page_id"].map(pages["page_name"]).astype("string")
    out["municipality_code"] = posts["page_id"].map(pages["municipality_code"]).astype("string")
    out["created_at"] = posts["created_at"]
    out["reactions"] = posts["n_reactions"]
    for col in _REACTION_TYPES:
        out[col[2:]] = posts[col]
    out["comments"] = posts["n_comments"]
    out["shares"] = posts["n_shares"]
    out["interactions"] = _sum_or_na(posts[["n_reactions", "n_comments", "n_shares"]])
    page_followers = posts["page_id"].map(pages["followers"]).astype("Int64")
    at_posting = posts["followers_at_posting"]
    out["followers"] = at_posting.fillna(page_followers).astype("Int64")
    out["followers_source"] = pd.Series(np.where(at_posting.notna(), "at_posting",
                                                 np.where(page_followers.notna(), "page", None)),
                                        index=posts.index, dtype="string")
    per = out["followers"].astype("Float64").where(out["followers"] > 0) / 1000
    for col in ("reactions", "comments", "shares", "interactions"):
        out[f"{col}_per_1000"] = (out[col].astype("Float64") / per).astype("Float64")
    # local time in the page's zone
    local = _local_time(posts["created_at"], posts["page_id"].map(pages["country"]).astype(object))
    out["local_time"] = local
    out["weekday"] = pd.Categorical.from_codes(local.dt.day_of_week.to_numpy(), categories=list(WEEKDAYS))
    out["hour"] = local.dt.hour.astype("Int64")
    out["month"] = _periods_text(local, "M")
    out["weekend"] = local.dt.day_of_week >= 5
    out["post_type"] = posts["post_type"]
    text = posts["text"].fillna("")
    out["text_length"] = text.str.len().astype("Int64")
    # words: runs of non-space characters, as str.split() finds them (the same spaces as re's \s)
    out["n_words"] = pd.array([len(t.split()) for t in text.tolist()], dtype="Int64")
    out["has_link"] = (posts["n_urls"].fillna(0) > 0) | posts["post_type"].eq("link").to_numpy()
    out["has_media"] = posts["post_type"].astype(str).isin(_MEDIA).to_numpy()
    if "lang" in posts:  # why a post has no tone: no text, or a language the index cannot read
        out["lang"] = posts["lang"]
    if {"formality", "tone"} <= set(posts.columns):
        out["formality"], out["tone"] = posts["formality"], posts["tone"]
    elif tone_method is not None and len(posts):
        from .. import tone as tone_module

        toned = tone_module.add_tone(posts, tone_method=tone_method, threshold=threshold,
                                     cache=getattr(dataset, "cache_dir", None))
        out["formality"], out["tone"] = toned["formality"], toned["tone"]
    return out


def _local_time(created_at: pd.Series, country: pd.Series) -> pd.Series:
    """``created_at`` (UTC) as wall-clock time in each post's country's zone, without a zone."""
    if not len(created_at):
        return pd.to_datetime(pd.Series(index=created_at.index, dtype=object))
    values = np.empty(len(created_at), dtype=created_at.dtype.base)
    codes, uniques = pd.factorize(country.fillna(""), use_na_sentinel=False)
    for i, code in enumerate(uniques):
        at = np.flatnonzero(codes == i)
        zone = page_timezone(code or None)
        values[at] = created_at.iloc[at].dt.tz_convert(zone).dt.tz_localize(None).to_numpy()
    return pd.Series(values, index=created_at.index)


def _periods_text(times: pd.Series, freq: str) -> pd.Series:
    """``times.dt.to_period(freq).astype(str)``, converting each distinct period once."""
    periods = times.dt.to_period(freq)
    codes, uniques = pd.factorize(periods, use_na_sentinel=False)
    return pd.Series(uniques, dtype=periods.dtype).astype(str).take(codes).set_axis(times.index)


_PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}


def page_metrics(dataset, *, by: str | None = None, likes: str = "reactions", metrics: pd.DataFrame | None = None,
                 tone_method: str | None = "index") -> pd.DataFrame:
    """Bonsón, Royo & Ratkai's (2015) popularity, commitment, virality and engagement per page.

    Parameters
    ----------
    dataset : Dataset
    by : None, "month", "quarter" or "year"
        None gives one row per page; a period gives one row per page and period.
    likes : "reactions" (default) or "like"
        What counts as a "like" in P1–P3: all reactions (a like, love, haha… each count) or the like
        reaction alone. Bonsón et al. wrote before Facebook's other reactions existed; "reactions" is
        the usual modern reading.
    metrics : DataFrame, optional
        The output of :func:`post_metrics`, to avoid computing it twice.
    tone_method : "index", "classifier" or None
        As in :func:`post_metrics` (when ``metrics`` is not given).

    Returns
    -------
    DataFrame, one row per page (and period), with ``posts``, ``posts_per_week``, ``followers``
    (mean followers of the period's posts, the denominator), and

    ======  ================================================================
    P1      posts with at least one like / posts × 100 (popularity, %)
    P2      likes / posts
    P3      P2 × 1000 / followers
    C1      posts with at least one comment / posts × 100 (commitment, %)
    C2      comments / posts
    C3      C2 × 1000 / followers
    V1      posts shared at least once / posts × 100 (virality, %)
    V2      shares / posts
    V3      V2 × 1000 / followers
    E       P3 + C3 + V3 (engagement)
    ======  ================================================================

    plus ``share_conversational`` (share of posts with a conversational tone, when tone is known).
    A ratio is computed over the posts whose count is known; a page whose export lacks a count
    (DYI has none, CrowdTangle no comments table but comment counts) gets a missing value, not 0.

    Notes
    -----
    Bonsón, E., Royo, S. & Ratkai, M. (2015). Citizens' engagement on local governments' Facebook
    sites. An empirical analysis: The impact of different media and content types in Western
    Europe. *Government Information Quarterly*, 32(1), 52–62.

    Examples
    --------
    >>> page_metrics(ds)[["P1", "P2", "C2", "E"]]            # doctest: +SKIP
    """
    if likes not in ("reactions", "like"):
        raise ValueError("likes must be 'reactions' (all reactions) or 'like' (the like reaction alone)")
    m = metrics if metrics is not None else post_metrics(dataset, tone_method=tone_method)
    keys = ["page_id"]
    if by is not None:
        if by not in _PERIODS:
            raise ValueError(f"by must be None or one of {sorted(_PERIODS)}")
        m = m.assign(period=_periods_text(m["local_time"], _PERIODS[by]))
        keys.append("period")
    like_col = "reactions" if likes == "reactions" else "likes"
    # sums and counts of every group in one pass each, then the ratios group by group: counts are
    # integers, whose sums are exact, so each mean is exactly its group's sum over its count
    groups = m.groupby(keys, sort=True)
    size = groups.size()
    first, last = groups["created_at"].min(), groups["created_at"].max()
    followers_sum = groups["followers"].sum()
    followers_n = groups["followers"].count()
    counts = {}
    for col in (like_col, "comments", "shares"):
        counts[col] = (groups[col].count(), groups[col].sum(), (m[col] > 0).fillna(False).groupby(
            [m[k] for k in keys], sort=True).sum().reindex(size.index))
    has_tone = "tone" in m
    if has_tone:
        tone_n = groups["tone"].count()
        tone_conv = (m["tone"] == "conversational").fillna(False).groupby([m[k] for k in keys], sort=True).sum() \
            .reindex(size.index)
    rows = []
    for i, key in enumerate(size.index):
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(keys, key))
        n = int(size.iloc[i])
        row["posts"] = n
        days = (last.iloc[i] - first.iloc[i]).total_seconds() / 86400
        row["posts_per_week"] = n / max(days / 7, 1)
        n_followers = int(followers_n.iloc[i])
        followers = float(followers_sum.iloc[i]) / n_followers if n_followers else pd.NA
        row["followers"] = followers
        for letter, col in (("P", like_col), ("C", "comments"), ("V", "shares")):
            known, total, positive = (int(c.iloc[i]) for c in counts[col])
            if known:
                row[f"{letter}1"] = positive / known * 100
                row[f"{letter}2"] = float(total) / known
                row[f"{letter}3"] = (row[f"{letter}2"] * 1000 / followers) if pd.notna(followers) and followers > 0 \
                    else np.nan
            else:
                row[f"{letter}1"] = row[f"{letter}2"] = row[f"{letter}3"] = np.nan
        row["E"] = row["P3"] + row["C3"] + row["V3"]
        if has_tone:
            known = int(tone_n.iloc[i])
            row["share_conversational"] = int(tone_conv.iloc[i]) / known if known else np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    names = dataset.pages.set_index("page_id")["page_name"]
    out.insert(1, "page_name", out["page_id"].map(names))
    return out.set_index(keys)

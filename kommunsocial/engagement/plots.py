"""Figures of the engagement report: distributions, tone gaps, forest plots, trends."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator
import numpy as np
import pandas as pd

from ..report.style import (MAX_PAGES_DRAWN, NEUTRAL, OTHER_COLOURS, TONE_COLOURS, empty, month_axis, ratio_axis,
                            setup)

__all__ = ["distributions", "by_tone", "by_municipality", "forest", "naive_vs_adjusted", "tone_share_vs_engagement",
           "trends"]

OUTCOMES = ("reactions", "comments", "shares")
#: Estimates (an IRR compares the two tones, so it takes neither tone's colour) and planted values.
_ESTIMATE, _PLANTED = "#333333", OTHER_COLOURS[-1]  # the planted value in the palette's red


def _rate(m: pd.DataFrame, col: str) -> tuple[pd.Series, str]:
    """``col`` per 1,000 followers and its unit, or the count per post when no post has a follower
    count (Facepager and Graph API exports have none): the figure then compares counts, not rates."""
    per = m[f"{col}_per_1000"].astype(float) if f"{col}_per_1000" in m else pd.Series(np.nan, index=m.index)
    if per.notna().any():
        return per, "per 1,000 followers"
    return m[col].astype(float), "per post (no follower counts)"


def _no_interactions(m: pd.DataFrame) -> str:
    """Why no post has interactions: the counts of the sum that the export lacks entirely."""
    lacking = [col for col in OUTCOMES if col not in m or not m[col].notna().any()]
    if lacking:
        lacking = [col[:-1] for col in lacking]  # "share counts", as the data-quality report says
        return (f"This export has no {' and no '.join(lacking)} counts, so interactions (reactions + comments + "
                f"shares) cannot be summed for any post")
    return "No post has reactions, comments and shares all counted, so interactions cannot be summed"


def distributions(m: pd.DataFrame) -> plt.Figure:
    """Histograms of reactions, comments and shares per post on a log scale (zeros counted apart)."""
    setup()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    for ax, col in zip(axes, OUTCOMES):
        values = m[col].dropna().astype(float)
        if values.empty:
            ax.text(0.5, 0.5, f"no {col} counts\nin this export", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        positive = values[values > 0]
        bins = np.logspace(0, np.log10(max(positive.max(), 10)) + 0.05, 25) if len(positive) else 10
        ax.hist(positive, bins=bins, color=OTHER_COLOURS[0])
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))  # 1, 10, 1,000: not 10⁰, 10³
        ax.set_xlabel(f"{col} per post (log scale)")
        zeros = int((values == 0).sum())
        ax.set_title(f"{col}: {zeros:,} {'post' if zeros == 1 else 'posts'} with none", fontsize=11)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # posts are whole: no 0.2 of a post on a few posts
    axes[0].set_ylabel("posts")
    fig.tight_layout()
    return fig


def by_tone(m: pd.DataFrame) -> plt.Figure:
    """Mean reactions, comments and shares per 1,000 followers (per post without followers), formal against
    conversational posts: one panel per count, each with its own scale (comments are a tenth of
    reactions, and on one axis their tone gap would look flat)."""
    setup()
    if "tone" not in m or m["tone"].dropna().empty:
        return empty("No tone in this selection")
    rows = []
    for col in OUTCOMES:
        per, unit = _rate(m, col)
        for tone, g in per.groupby(m["tone"].astype(str)):
            g = g.dropna()
            if len(g):
                rows.append({"outcome": col, "tone": tone, "mean": g.mean(), "se": g.std(ddof=1) / np.sqrt(len(g)),
                             "unit": unit})
    if not rows:
        return empty("No counts in this selection")
    data = pd.DataFrame(rows)
    outcomes = [o for o in OUTCOMES if o in set(data["outcome"])]
    fig, axes = plt.subplots(1, len(outcomes), figsize=(3.3 * len(outcomes) + 0.8, 3.4), squeeze=False)
    tones = ("formal", "conversational")
    for ax, outcome in zip(axes[0], outcomes):
        d = data[data["outcome"] == outcome].set_index("tone").reindex(list(tones))
        half = (1.96 * d["se"]).fillna(0)
        # counts are never negative: a normal interval on few posts would reach below 0, so it stops there
        for i, tone in enumerate(tones):
            if pd.notna(d.loc[tone, "mean"]):
                ax.bar(i, d.loc[tone, "mean"], 0.7, yerr=[[min(half[tone], d.loc[tone, "mean"])], [half[tone]]],
                       capsize=3, color=TONE_COLOURS[tone], label=tone)
        ax.set_xticks(np.arange(len(tones)), tones)
        ax.set_title(outcome)
        ax.set_ylabel(f"mean {d['unit'].dropna().iloc[0]}" if ax is axes[0, 0] else "")
        ax.margins(y=0.15)
    fig.suptitle("Raw means by tone (95 % CI), before any adjustment; each panel has its own scale", fontsize=11)
    fig.tight_layout()
    return fig


def by_municipality(m: pd.DataFrame) -> plt.Figure:
    """Median interactions per 1,000 followers (per post without followers) per page, formal and conversational posts side by side."""
    setup()
    if "tone" not in m:
        return empty("No tone in this selection")
    rate, unit = _rate(m, "interactions")
    if not rate.notna().any():
        return empty(_no_interactions(m))
    med = (m.assign(v=rate)
           .groupby(["page_name", m["tone"].astype(str)], observed=True)["v"].median().unstack())
    med = med.dropna(how="all")  # pages whose posts lack a count (interactions need all three)
    if med.empty:
        return empty(_no_interactions(m))
    if len(med) > MAX_PAGES_DRAWN:
        med = med.loc[med.mean(axis=1).sort_values(ascending=False).index[:MAX_PAGES_DRAWN]]
    med = med.loc[med.mean(axis=1).sort_values().index]
    fig, ax = plt.subplots(figsize=(8, 0.36 * len(med) + 1.4))
    y = np.arange(len(med))
    for tone, marker in (("formal", "o"), ("conversational", "D")):
        if tone in med:
            ax.scatter(med[tone], y, marker=marker, s=42, color=TONE_COLOURS[tone], label=tone, zorder=3)
    ax.set_yticks(y, med.index)
    ax.set_xlabel(f"median interactions {unit}")
    ax.legend(frameon=False, loc="lower right")
    fig.tight_layout()
    return fig


def forest(table: pd.DataFrame, *, title: str = "", planted: dict | None = None) -> plt.Figure:
    """Incidence-rate ratios with 95 % CIs on a log axis; ``planted`` marks known true values."""
    setup()
    if table.empty:
        return empty("No model terms: see the notes above")
    t = table.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(t) + 1.3))
    y = np.arange(len(t))
    ax.hlines(y, t["ci_low"], t["ci_high"], color="#555555", lw=1.6)
    ax.scatter(t["irr"], y, color=_ESTIMATE, zorder=3, s=28)
    if planted:
        for i, term in enumerate(t["term"]):
            if term in planted:
                ax.scatter(planted[term], i, marker="|", s=220, color=_PLANTED, zorder=4,
                           label="planted" if i == int(np.flatnonzero(t["term"].isin(planted.keys()))[0]) else None)
        # above the plot: inside, the legend sits on a row's interval
        ax.legend(frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2)
    ax.axvline(1, color=NEUTRAL, ls="--", lw=1)
    ax.set_xscale("log")
    ratio_axis(ax)
    ax.set_yticks(y, t["term"].astype(str).str.replace("_", " "))  # "post type: video", as in the prose
    ax.set_xlabel("incidence-rate ratio (log scale)")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def naive_vs_adjusted(table: pd.DataFrame, *, planted: dict | None = None) -> plt.Figure:
    """The tone IRR of each outcome in the naive and the adjusted model (and the planted value)."""
    setup()
    if table.empty:
        return empty("No tone estimate: see the notes above")
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(4.4 * len(outcomes), 2.9), squeeze=False)
    for ax, outcome in zip(axes[0], outcomes):
        t = table[table["outcome"] == outcome].iloc[::-1]
        y = np.arange(len(t))
        ax.hlines(y, t["ci_low"], t["ci_high"], color="#555555", lw=1.6)
        ax.scatter(t["irr"], y, color=_ESTIMATE, zorder=3)
        if planted and outcome in planted:
            ax.axvline(planted[outcome], color=_PLANTED, lw=1.5, label="planted")
        ax.axvline(1, color=NEUTRAL, ls="--", lw=1)
        ax.set_yticks(y, t["model"])
        ax.set_ylim(-0.6, len(t) - 0.4)  # room around the rows: no marker on the frame
        ax.set_xscale("log")  # ratios: 0.5 and 2 lie as far from 1
        ax.margins(x=0.08)
        ratio_axis(ax)
        ax.set_title(outcome)
        ax.set_xlabel("IRR conversational vs formal (log scale)")
    if planted:
        fig.legend(*axes[0, 0].get_legend_handles_labels(), frameon=False, loc="upper right")
    fig.tight_layout(rect=(0, 0, 0.93 if planted else 1, 1))
    return fig


def tone_share_vs_engagement(pm: pd.DataFrame) -> plt.Figure:
    """Each municipality's share of conversational posts against its Bonsón engagement E, or against its
    interactions per post (P2 + C2 + V2) when no page has follower counts, so no E."""
    setup()
    pm = pm.copy()
    if "E" in pm and pm["E"].notna().any():
        label = "engagement E (per 1,000 followers)"
    else:
        pm["E"] = pm[["P2", "C2", "V2"]].sum(axis=1, min_count=3) if {"P2", "C2", "V2"} <= set(pm) else np.nan
        label = "interactions per post (no follower counts)"
    d = pm.dropna(subset=["share_conversational", "E"]) if "share_conversational" in pm else pm.iloc[:0]
    if d.empty:
        return empty("No tone or engagement to compare")
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    ax.scatter(d["share_conversational"] * 100, d["E"], s=40, color=_ESTIMATE)
    if len(d) <= MAX_PAGES_DRAWN:
        _label_points(ax, d["share_conversational"].to_numpy() * 100, d["E"].to_numpy(), d["page_name"].astype(str))
    ax.set_xlabel("conversational posts (%)")
    ax.set_ylabel(label)
    fig.tight_layout()
    return fig


def _label_points(ax, x, y, labels):
    """Label points, nudging a label down when it would sit on one already placed."""
    xr = (np.nanmax(x) - np.nanmin(x)) or 1.0
    yr = (np.nanmax(y) - np.nanmin(y)) or 1.0
    placed = []
    for i in np.argsort(-y):
        dy = 3
        for px, py, pdy in placed:
            if abs(x[i] - px) < 0.18 * xr and abs(y[i] - py) < 0.05 * yr and dy > pdy - 11:
                dy = pdy - 11
        placed.append((x[i], y[i], dy))
        ax.annotate(labels.iloc[i], (x[i], y[i]), fontsize=8.5, xytext=(5, dy), textcoords="offset points")


def _month_start(month: pd.Series) -> pd.DatetimeIndex:
    """The first day of each month written ``"YYYY-MM"`` (as ``post_metrics`` gives ``month``).

    Each distinct month is parsed once: a country has a few dozen months over 600,000 posts.
    """
    codes, uniques = pd.factorize(month, use_na_sentinel=False)
    return pd.PeriodIndex(uniques, freq="M").to_timestamp().take(codes)


def trends(m: pd.DataFrame) -> plt.Figure:
    """Monthly mean interactions per 1,000 followers (per post without followers), by tone."""
    setup()
    if "tone" not in m or m.empty:
        return empty("No tone in this selection")
    rate, unit = _rate(m, "interactions")
    if not rate.notna().any():
        return empty(_no_interactions(m))
    d = (m.assign(v=rate, month=_month_start(m["month"]))
         .groupby(["month", m["tone"].astype(str)], observed=True)["v"].mean().unstack())
    fig, ax = plt.subplots(figsize=(10, 3.4))
    for tone in ("formal", "conversational"):
        if tone in d:
            ax.plot(d.index, d[tone], marker="o", ms=3, label=tone, color=TONE_COLOURS[tone])
    ax.margins(y=0.12)  # no point on the frame
    ax.set_ylabel(f"mean interactions\n{unit}")
    month_axis(ax, d.index)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig

"""Figures of the tone report: formality by group and month, and what drives the index."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..report.style import (LANGUAGE_COLOURS, MAX_PAGES_DRAWN, NEUTRAL, TONE_COLOURS, empty, month_axis, setup,
                             tone_ramp)
from . import summaries

__all__ = ["formality_distributions", "formality_by_month", "drivers", "calibration", "MIN_DRIVER_POSTS"]

BANDS = ((0, 20, "0–20 very conversational"), (20, 40, "20–40"), (40, 60, "40–60 mixed"), (60, 80, "60–80"),
         (80, 100.0001, "80–100 very formal"))


def formality_distributions(posts: pd.DataFrame, *, threshold: float = 50.0) -> plt.Figure:
    """The share of posts in each fifth of the formality index, per municipality page and per language.

    Stacked bars rather than box plots: the index is a probability, so most posts sit near one end
    and a box would stretch from 0 to 100 for any page that writes both ways.
    """
    setup()
    data = posts.dropna(subset=["formality"])
    if not len(data):
        return empty("No scored posts in this selection")
    band = pd.cut(data["formality"].astype(float), bins=[b[0] for b in BANDS] + [BANDS[-1][1]], right=False,
                  labels=[b[2] for b in BANDS])
    by_page = pd.crosstab(data["page"], band, normalize="index") * 100
    by_page = by_page.loc[data.groupby("page")["formality"].mean().sort_values().index]
    if len(by_page) > MAX_PAGES_DRAWN:
        by_page = by_page.iloc[:: int(np.ceil(len(by_page) / MAX_PAGES_DRAWN))]
    by_lang = pd.crosstab(data["lang"].astype(str), band, normalize="index") * 100
    colours = tone_ramp(len(BANDS))  # conversational to formal in the tones' own colours
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.34 * len(by_page) + 2.4), gridspec_kw={"width_ratios": [3, 1.3]})
    for ax, table, title in ((axes[0], by_page, "by municipality page"), (axes[1], by_lang, "by language")):
        left = np.zeros(len(table))
        for colour, (_, _, label) in zip(colours, BANDS):
            values = table[label].to_numpy() if label in table else np.zeros(len(table))
            ax.barh(table.index.astype(str), values, left=left, color=colour, label=label, height=0.75)
            left += values
        ax.set_xlim(0, 100)
        ax.set_xlabel("share of posts (%)")
        ax.set_title(f"Formality {title}")
        ax.invert_yaxis()
    axes[0].legend(ncols=len(BANDS), loc="lower center", bbox_to_anchor=(0.7, 1.06), frameon=False, fontsize=8.5,
                   title=f"formality index (posts at {threshold:g} or above are formal)", title_fontsize=9)
    fig.tight_layout()
    return fig


def formality_by_month(posts: pd.DataFrame) -> plt.Figure:
    """Share of conversational posts per month (all pages) and mean formality."""
    setup()
    data = posts.dropna(subset=["formality"])
    if not len(data):
        return empty("No scored posts in this selection")
    monthly = summaries.by_group(data, "month")
    fig, ax = plt.subplots(figsize=(10, 3.4))
    ax.plot(monthly.index, monthly["conversational_%"], marker="o", color=TONE_COLOURS["conversational"],
            label="conversational posts (%)")
    # formality rises towards formal: the formal colour
    ax.plot(monthly.index, monthly["mean_formality"], marker="s", color=TONE_COLOURS["formal"],
            label="mean formality (0–100)")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% / index")
    ax.set_title("Tone per month, all pages")
    month_axis(ax, monthly.index)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.08), ncols=2, frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


#: A language needs this many scored posts to get bars in :func:`drivers`: the mean contribution of
#: a handful of posts is one post's quirks (a single Danish-detected post would stretch the axis).
MIN_DRIVER_POSTS = 30


def drivers(posts: pd.DataFrame, *, min_posts: int = MIN_DRIVER_POSTS) -> plt.Figure:
    """Mean contribution of each feature to the index, per language (positive: towards formal).

    Languages with fewer than ``min_posts`` scored posts are left out, and the figure says which.
    """
    setup()
    scored = posts.dropna(subset=["formality"]) if "formality" in posts else posts
    counts = scored["lang"].astype(str).value_counts() if "lang" in scored else pd.Series(dtype=int)
    few = counts[counts < min_posts]
    table = summaries.drivers(posts[~posts["lang"].astype(str).isin(few.index)] if len(few) else posts)
    left_out = ("left out, fewer than " + f"{min_posts} scored posts: " +
                ", ".join(f"{lang} ({n:,})" for lang, n in few.sort_index().items())) if len(few) else ""
    if table.empty:
        return empty("No scored posts in this selection" + (f" ({left_out})" if left_out else ""))
    long = table.reset_index().melt(id_vars="feature", var_name="lang", value_name="contribution")
    long["feature"] = long["feature"].str.replace("_", " ")
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(table) + 1.6))
    # each language in its colour of the data-quality report's language mix (not the tones' colours),
    # whichever languages are left out
    sns.barplot(data=long, y="feature", x="contribution", hue="lang", order=[f.replace("_", " ") for f in table.index],
                ax=ax, palette={lang: LANGUAGE_COLOURS.get(lang, NEUTRAL) for lang in long["lang"].unique()},
                saturation=1)  # seaborn would otherwise dull the colours
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel("mean contribution to the index (log-odds; > 0 towards formal)")
    ax.set_ylabel("")
    ax.legend(title="language", loc="lower right", frameon=False)
    if left_out:
        ax.set_title(f"Languages {left_out}", fontsize=9.5, loc="left")
    fig.tight_layout()
    return fig


def calibration(table: pd.DataFrame, *, mixed=None) -> plt.Figure:
    """The share of posts people coded formal against the index, band by band, with 95 % intervals.

    ``table`` is :func:`kommunsocial.tone.calibration.calibration`; the diagonal is a perfectly
    calibrated index; ``mixed`` (low, high) shades the mixed band.
    """
    setup()
    data = table[table["posts"] > 0] if len(table) else table
    if not len(data):
        return empty("No coded posts to compare the index with")
    fig, ax = plt.subplots(figsize=(6.2, 4.4))
    if mixed is not None:
        ax.axvspan(mixed[0], mixed[1], color=NEUTRAL, alpha=0.15, lw=0)
        ax.text((mixed[0] + mixed[1]) / 2, 97, "mixed band", ha="center", va="top", fontsize=9)
    ax.plot([0, 100], [0, 100], color="0.6", lw=1, ls="--", label="perfect calibration")
    x = data["mean_index"].to_numpy(float)
    y, lo, hi = (100 * data[c].to_numpy(float) for c in ("share_formal", "low", "high"))
    ax.errorbar(x, y, yerr=[np.clip(y - lo, 0, None), np.clip(hi - y, 0, None)], fmt="o", color=TONE_COLOURS["formal"], ecolor="0.45", capsize=3,
                label="coded formal (95 % interval)")
    for xi, yi, n in zip(x, y, data["posts"]):
        ax.annotate(f"{n}", (xi, yi), textcoords="offset points", xytext=(6, -10), fontsize=8, color="0.35")
    ax.set_xlim(0, 100)
    ax.set_ylim(-3, 103)
    ax.set_xlabel("formality index (mean of the band)")
    ax.set_ylabel("posts coded formal by people (%)")
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    fig.tight_layout()
    return fig

"""Figures of the data-quality report: posts per month and the language mix, per page."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from . import quality
from ..language import LANG_CODES
from .style import LANGUAGE_COLOURS, MAX_PAGES_DRAWN, OTHER_COLOURS, empty, setup

__all__ = ["posts_per_month", "language_mix"]


def posts_per_month(ds) -> plt.Figure:
    """All posts per month as bars, and posts per page and month as a heat map (small datasets)."""
    setup()
    table = quality.posts_per_month(ds)
    if table.empty:
        return empty("No posts in this selection")
    per_page = table.shape[1] <= MAX_PAGES_DRAWN and table.shape[1] > 1
    height = 3.2 + (0.32 * table.shape[1] + 1.2 if per_page else 0)
    fig, axes = plt.subplots(2 if per_page else 1, 1, figsize=(10, height), squeeze=False,
                             gridspec_kw={"height_ratios": [3.2, 0.32 * table.shape[1] + 1.2] if per_page else [1]})
    ax = axes[0, 0]
    total = table.sum(axis=1)
    ax.bar(total.index, total.to_numpy(), width=20, color=OTHER_COLOURS[0])
    ax.set_ylabel("posts")
    ax.set_title("Posts per month, all pages")
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 4, 7, 10]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.set_xlabel("")
    if per_page:
        hm = axes[1, 0]
        data = table.T.sort_index()
        sns.heatmap(data, ax=hm, cmap="Greens", cbar_kws={"label": "posts", "pad": 0.01}, linewidths=0.3,
                    linecolor="white")
        labels = [d.strftime("%b %Y") if d.month in (1, 7) else "" for d in data.columns]
        hm.set_xticks(np.arange(len(labels)) + 0.5)
        hm.set_xticklabels(labels, rotation=0)
        hm.set_xlabel("")
        hm.set_ylabel("")
        hm.set_title("Posts per page and month")
    fig.tight_layout()
    return fig


def language_mix(ds, *, table: str = "posts") -> plt.Figure:
    """Stacked horizontal bars: the share of each detected language per page."""
    setup()
    mix = quality.language_mix(ds, table=table)
    if mix.empty:
        return empty(f"No {table} in this selection")
    if len(mix) > MAX_PAGES_DRAWN:
        mix = mix.mean().to_frame("all pages").T
    order = [c for c in LANG_CODES if c in mix.columns]
    mix = mix[order]
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(mix) + 1.6))
    left = np.zeros(len(mix))
    # languages take the colours tone does not use: blue and orange mean formal and conversational
    for lang in order:
        ax.barh(mix.index, mix[lang], left=left, color=LANGUAGE_COLOURS[lang], label=lang)
        left += mix[lang].to_numpy()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"share of {table} (%)")
    ax.invert_yaxis()
    ax.legend(ncols=len(order), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    fig.tight_layout()
    return fig


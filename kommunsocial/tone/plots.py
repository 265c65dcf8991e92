"""Figures of the tone report: formality by group and month, and what drives the index."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .. import plots as _plots
from . import summaries

__all__ = ["formality_distributions", "formality_by_month", "drivers"]

MAX_PAGES_DRAWN = 40


def _empty(message: str):
    fig, ax = plt.subplots(figsize=(9, 2))
    ax.text(0.5, 0.5, message, ha="center", va="center")
    ax.axis("off")
    return fig


def formality_distributions(posts: pd.DataFrame, *, threshold: float = 50.0) -> plt.Figure:
    """Box plots of formality per municipality page and per language, the threshold marked."""
    _plots.setup()
    data = posts.dropna(subset=["formality"])
    if not len(data):
        return _empty("No scored posts in this selection")
    pages = data.groupby("page")["formality"].median().sort_values().index.tolist()
    if len(pages) > MAX_PAGES_DRAWN:
        pages = pages[:: int(np.ceil(len(pages) / MAX_PAGES_DRAWN))]
    langs = sorted(data["lang"].astype(str).unique())
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.34 * len(pages) + 2.2),
                             gridspec_kw={"width_ratios": [3, 1.3]})
    sns.boxplot(data=data[data["page"].isin(pages)], x="formality", y="page", order=pages, ax=axes[0],
                color=sns.color_palette("colorblind")[0], fliersize=1.5, linewidth=0.8)
    sns.boxplot(data=data.assign(lang=data["lang"].astype(str)), x="formality", y="lang", order=langs, ax=axes[1],
                color=sns.color_palette("colorblind")[2], fliersize=1.5, linewidth=0.8)
    for ax, title in zip(axes, ("by municipality page", "by language")):
        ax.axvline(threshold, color="0.3", linestyle="--", linewidth=1)
        ax.set_xlim(0, 100)
        ax.set_xlabel("formality (0 conversational – 100 formal)")
        ax.set_ylabel("")
        ax.set_title(f"Formality {title}")
    fig.tight_layout()
    return fig


def formality_by_month(posts: pd.DataFrame) -> plt.Figure:
    """Share of conversational posts per month (all pages) and mean formality."""
    _plots.setup()
    data = posts.dropna(subset=["formality"])
    if not len(data):
        return _empty("No scored posts in this selection")
    monthly = summaries.by_group(data, "month")
    fig, ax = plt.subplots(figsize=(10, 3.4))
    ax.plot(monthly.index, monthly["conversational_%"], marker="o", color=sns.color_palette("colorblind")[0],
            label="conversational posts (%)")
    ax.plot(monthly.index, monthly["mean_formality"], marker="s", color=sns.color_palette("colorblind")[1],
            label="mean formality (0–100)")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% / index")
    ax.set_title("Tone per month, all pages")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.08), ncols=2, frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def drivers(posts: pd.DataFrame) -> plt.Figure:
    """Mean contribution of each feature to the index, per language (positive: towards formal)."""
    _plots.setup()
    table = summaries.drivers(posts)
    if table.empty:
        return _empty("No scored posts in this selection")
    long = table.reset_index().melt(id_vars="feature", var_name="lang", value_name="contribution")
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(table) + 1.6))
    sns.barplot(data=long, y="feature", x="contribution", hue="lang", order=table.index.tolist(), ax=ax,
                palette="colorblind")
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel("mean contribution to the index (log-odds; > 0 towards formal)")
    ax.set_ylabel("")
    ax.legend(title="language", loc="lower right", frameon=False)
    fig.tight_layout()
    return fig

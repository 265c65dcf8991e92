"""The figures notebooks show: readable at report size, labelled in plain words, no statistics here."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from . import quality

__all__ = ["setup", "posts_per_month", "language_mix", "save"]

#: Above this many pages, per-page panels give way to totals.
MAX_PAGES_DRAWN = 40


def setup():
    """House style: white grid, readable font sizes, a colour-blind-safe palette."""
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind",
                  rc={"figure.dpi": 110, "savefig.dpi": 150, "axes.titlesize": 13, "axes.labelsize": 11,
                      "xtick.labelsize": 9.5, "ytick.labelsize": 9.5, "legend.fontsize": 9.5,
                      "figure.autolayout": False})


def posts_per_month(ds) -> plt.Figure:
    """All posts per month as bars, and posts per page and month as a heat map (small datasets)."""
    setup()
    table = quality.posts_per_month(ds)
    if table.empty:
        fig, ax = plt.subplots(figsize=(9, 2))
        ax.text(0.5, 0.5, "No posts in this selection", ha="center", va="center")
        ax.axis("off")
        return fig
    per_page = table.shape[1] <= MAX_PAGES_DRAWN and table.shape[1] > 1
    height = 3.2 + (0.32 * table.shape[1] + 1.2 if per_page else 0)
    fig, axes = plt.subplots(2 if per_page else 1, 1, figsize=(10, height), squeeze=False,
                             gridspec_kw={"height_ratios": [3.2, 0.32 * table.shape[1] + 1.2] if per_page else [1]})
    ax = axes[0, 0]
    total = table.sum(axis=1)
    ax.bar(total.index, total.to_numpy(), width=20, color=sns.color_palette()[0])
    ax.set_ylabel("posts")
    ax.set_title("Posts per month, all pages")
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 4, 7, 10]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.set_xlabel("")
    if per_page:
        hm = axes[1, 0]
        data = table.T.sort_index()
        sns.heatmap(data, ax=hm, cmap="Blues", cbar_kws={"label": "posts", "pad": 0.01}, linewidths=0.3,
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
        fig, ax = plt.subplots(figsize=(9, 2))
        ax.text(0.5, 0.5, f"No {table} in this selection", ha="center", va="center")
        ax.axis("off")
        return fig
    if len(mix) > MAX_PAGES_DRAWN:
        mix = mix.mean().to_frame("all pages").T
    order = [c for c in ("sv", "nb", "nn", "da", "fi", "en", "und") if c in mix.columns]
    mix = mix[order]
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(mix) + 1.6))
    left = np.zeros(len(mix))
    colours = dict(zip(("sv", "nb", "nn", "da", "fi", "en", "und"), sns.color_palette("colorblind", 7)))
    colours["und"] = (0.75, 0.75, 0.75)
    for lang in order:
        ax.barh(mix.index, mix[lang], left=left, color=colours[lang], label=lang)
        left += mix[lang].to_numpy()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"share of {table} (%)")
    ax.invert_yaxis()
    ax.legend(ncols=len(order), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def save(fig: plt.Figure, folder, name: str) -> list:
    """Save ``fig`` as PNG and SVG in ``folder`` (created if needed); returns the paths."""
    from pathlib import Path

    from ._atomic import atomic_write

    folder = Path(folder)
    paths = []
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        with atomic_write(path) as tmp:  # the format is named: the temporary name's suffix is .tmp
            fig.savefig(tmp, format=ext, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
        paths.append(path)
    return paths

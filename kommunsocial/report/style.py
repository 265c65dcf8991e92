"""The one figure style of every report and the seminar: theme, palette, empty figures, saving.

Formal and conversational posts keep their colours in every figure, so a reader who learnt
"blue is formal" in the tone report reads the engagement report and the seminar the same way.
Both colours come from seaborn's colour-blind-safe "colorblind" palette (blue and orange, told
apart in every common form of colour blindness); anything else a figure colours (countries,
languages, kinds of reply) takes the palette's other colours, never these two for another meaning.

>>> TONE_COLOURS["formal"], TONE_COLOURS["conversational"]
('#0173b2', '#de8f05')
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from .._atomic import atomic_write

__all__ = ["setup", "save", "empty", "month_axis", "log_axis", "ratio_axis", "tone_ramp", "TONE_COLOURS", "OTHER_COLOURS", "LANGUAGE_COLOURS", "NEUTRAL", "MAX_PAGES_DRAWN"]

#: Above this many pages, per-page panels give way to totals.
MAX_PAGES_DRAWN = 40

_COLORBLIND = sns.color_palette("colorblind").as_hex()
#: The colour of each tone, in every figure that draws tone.
TONE_COLOURS = {"formal": _COLORBLIND[0], "conversational": _COLORBLIND[1]}
#: Colours for whatever else a figure tells apart (countries, languages, kinds of reply): the
#: colour-blind-safe palette without the two tone colours and its grey (that is :data:`NEUTRAL`),
#: the hues furthest from blue and orange first; the last is the palette's red (vermillion).
OTHER_COLOURS = [_COLORBLIND[i] for i in (2, 4, 5, 8, 6, 9, 3)]
#: Grey for "unknown", "undetermined" and reference lines.
NEUTRAL = "#999999"
#: One colour per language in every figure that tells languages apart (``und`` in grey).
LANGUAGE_COLOURS = {**dict(zip(("sv", "nb", "nn", "da", "fi", "en", "other"), OTHER_COLOURS)), "und": NEUTRAL}


def setup():
    """House style: white grid, readable font sizes, the colour-blind-safe palette."""
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind",
                  rc={"figure.dpi": 110, "savefig.dpi": 150, "axes.titlesize": 13, "axes.labelsize": 11,
                      "xtick.labelsize": 9.5, "ytick.labelsize": 9.5, "legend.fontsize": 9.5,
                      "figure.autolayout": False})


def tone_ramp(n: int) -> list:
    """``n`` colours from conversational through light grey to formal (bands of the formality index).

    >>> ramp = tone_ramp(5)
    >>> ramp[0] == TONE_COLOURS["conversational"], ramp[-1] == TONE_COLOURS["formal"]
    (True, True)
    """
    from matplotlib.colors import to_hex, to_rgb

    # blended in RGB between the three anchors (a colour map's 256-entry table would round them)
    anchors = np.array([to_rgb(TONE_COLOURS["conversational"]), to_rgb("#eeeeee"), to_rgb(TONE_COLOURS["formal"])])
    at = np.linspace(0.0, 2.0, n) if n > 1 else np.zeros(1)
    return [to_hex(np.array([np.interp(t, [0, 1, 2], anchors[:, c]) for c in range(3)])) for t in at]


def month_axis(ax, months) -> None:
    """A time axis of months that stays readable however few there are.

    With one or two months matplotlib's automatic date axis spans years around the points; here
    the axis covers the months with half a month either side, ticks on months (``2021-12``).
    """
    import matplotlib.dates as mdates
    import pandas as pd

    months = pd.DatetimeIndex(pd.to_datetime(pd.Index(months))).tz_localize(None).dropna()
    if not len(months):
        return
    first, last = months.min(), months.max()
    if (last - first).days < 92:
        ax.set_xlim(first - pd.Timedelta(days=16), last + pd.Timedelta(days=16))
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))


#: Ticks of a log axis of ratios, as readers of incidence-rate ratios expect them (not 10⁰, 2×10⁰).
RATIO_TICKS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 1, 1.25, 1.5, 2, 3, 5, 10, 20, 50, 100)


def log_axis(ax, ticks, labels=None, axis: str = "x") -> None:
    """Label a log axis with the ``ticks`` that fall within its limits (``labels`` for them, else
    the numbers as ``1.25``), no minor labels: not matplotlib's 10⁰ and 3.4×10⁰.

    Call it after the data are drawn (the limits decide which ticks show); a range holding fewer
    than two ticks is widened to the nearest tick on either side, so a narrow one still has labels.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    labels = dict(zip(ticks, labels)) if labels is not None else {t: f"{t:g}" for t in ticks}
    which = ax.xaxis if axis == "x" else ax.yaxis
    low, high = (ax.get_xlim() if axis == "x" else ax.get_ylim())
    shown = [t for t in ticks if low <= t <= high]
    if len(shown) < 2:
        below = [t for t in ticks if t <= low][-1:] or [ticks[0]]
        above = [t for t in ticks if t >= high][:1] or [ticks[-1]]
        shown = sorted(set(below + shown + above))
        (ax.set_xlim if axis == "x" else ax.set_ylim)(min(low, shown[0]), max(high, shown[-1]))
    which.set_major_locator(FixedLocator(shown))
    which.set_major_formatter(FuncFormatter(lambda v, _: labels.get(v, f"{v:g}")))
    which.set_minor_formatter(NullFormatter())


def ratio_axis(ax, axis: str = "x") -> None:
    """A log axis of ratios labelled 0.5, 0.8, 1, 1.5, 2, 3 … (:func:`log_axis` with :data:`RATIO_TICKS`)."""
    log_axis(ax, list(RATIO_TICKS), axis=axis)


def empty(message: str, *, height: float = 2.0) -> plt.Figure:
    """A figure that says ``message`` instead of showing no data."""
    fig, ax = plt.subplots(figsize=(9, height))
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True)
    ax.axis("off")
    return fig


def save(fig: plt.Figure, folder, name: str) -> list:
    """Save ``fig`` as PNG and SVG in ``folder`` (created if needed); returns the paths."""
    folder = Path(folder)
    paths = []
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        with atomic_write(path) as tmp:  # the format is named: the temporary name's suffix is .tmp
            fig.savefig(tmp, format=ext, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
        paths.append(path)
    return paths

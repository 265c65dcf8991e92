"""Figures of the comparison report: each municipality a point, sized by followers, labelled without overlaps."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from .style import MAX_PAGES_DRAWN, NEUTRAL, OTHER_COLOURS, empty, setup

__all__ = ["conversational_vs_engagement", "answer_rate_vs_engagement", "scatter", "place_labels"]

#: Marker areas (points²) of the smallest and the largest page.
SIZE_RANGE = (30.0, 600.0)
_E_LABEL = "engagement E (per 1,000 followers)"


def _areas(followers: pd.Series, top: float) -> np.ndarray:
    """Marker areas proportional to followers (a page without a count gets the smallest)."""
    f = followers.astype("float64").to_numpy()
    lo, hi = SIZE_RANGE
    return np.where(np.isfinite(f), lo + (hi - lo) * np.nan_to_num(f) / top, lo)


def _nice(value: float) -> float:
    """``value`` rounded to one significant digit (1, 2 or 5 times a power of ten)."""
    power = 10 ** np.floor(np.log10(value))
    return min((1, 2, 5, 10), key=lambda m: abs(m * power - value)) * power


def _overlap(a: Bbox, boxes) -> float:
    """Area of ``a`` covered by ``boxes`` (pixels²)."""
    total = 0.0
    for b in boxes:
        w = min(a.x1, b.x1) - max(a.x0, b.x0)
        h = min(a.y1, b.y1) - max(a.y0, b.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def place_labels(ax, x, y, labels, *, areas=None, fontsize: float = 9.0) -> list:
    """Annotate each point with its label where it overlaps no other label, point or the axes' edge.

    Candidate positions lie on rings of growing radius around each point (16 directions); a point
    takes the first free candidate, a leader line joins labels set further away. Points are
    placed from the most crowded outwards. Call it after the layout is final (the axes' size and
    limits fixed): offsets are in points, so a later resize could bring labels together again.

    Returns the annotations, in the order of ``labels``.
    """
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    labels = [str(v) for v in labels]
    areas = np.full(len(x), 36.0) if areas is None else np.asarray(areas, dtype=float)
    px = ax.transData.transform(np.column_stack([x, y]))
    scale = fig.dpi / 72.0  # pixels per point
    radius = np.sqrt(areas / np.pi) * scale + 1.5
    points = [Bbox([[u - r, v - r], [u + r, v + r]]) for (u, v), r in zip(px, radius)]
    frame = ax.get_window_extent(renderer)
    sizes = []
    for text in labels:
        probe = ax.text(0, 0, text, fontsize=fontsize)
        box = probe.get_window_extent(renderer)
        sizes.append((box.width + 3, box.height + 2))
        probe.remove()
    dist = np.hypot(*(px[:, None, :] - px[None, :, :]).transpose(2, 0, 1))
    crowding = np.sort(dist, axis=1)[:, 1] if len(x) > 1 else np.zeros(len(x))
    placed, lines, result = [], [], [None] * len(x)
    directions = [(np.cos(a), np.sin(a)) for a in np.deg2rad([0, 180, 90, 270, 45, 135, 315, 225, 22.5, 157.5,
                                                              337.5, 202.5, 67.5, 112.5, 292.5, 247.5])]
    for i in np.argsort(crowding, kind="stable"):
        w, h = sizes[i]
        best = None
        for ring in (3, 8, 15, 24, 36, 50, 66, 84, 105, 130):
            free = []
            for cx, cy in directions:
                r = ring * scale + radius[i]
                ox, oy = cx * r, cy * r
                # anchor the label's near side to the candidate point
                x0 = px[i, 0] + ox - (0 if cx > 0.3 else w if cx < -0.3 else w / 2)
                y0 = px[i, 1] + oy - (0 if cy > 0.3 else h if cy < -0.3 else h / 2)
                box = Bbox([[x0, y0], [x0 + w, y0 + h]])
                outside = not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1)
                cost = _overlap(box, placed) + _overlap(box, points) + (1e9 if outside else 0)
                # a leader line crossing a label, or a label on a leader line: tolerated, but avoided
                seg = px[i] + np.linspace(0.25, 0.95, 8)[:, None] * np.array([ox, oy]) if ring >= 8 else ()
                soft = sum(b.contains(*p) for b in placed for p in seg) + sum(box.contains(*p) for p in lines)
                candidate = (cost, soft, ox, oy, cx, cy, box, ring)
                if cost == 0:
                    free.append(candidate)
                elif best is None or cost < best[0]:
                    best = candidate
            if free:
                best = min(free, key=lambda c: c[1])
                break
        _, _, ox, oy, cx, cy, box, ring = best
        placed.append(box)
        if ring >= 8:
            lines.extend(px[i] + np.linspace(0.25, 0.95, 8)[:, None] * np.array([ox, oy]))
        result[i] = ax.annotate(
            labels[i], (x[i], y[i]), xytext=(ox / scale, oy / scale), textcoords="offset points", fontsize=fontsize,
            ha="left" if cx > 0.3 else "right" if cx < -0.3 else "center",
            va="bottom" if cy > 0.3 else "top" if cy < -0.3 else "center",
            arrowprops={"arrowstyle": "-", "color": "0.55", "lw": 0.7, "shrinkA": 1,
                        "shrinkB": float(np.sqrt(areas[i] / np.pi))} if ring >= 8 else None)
    return result


def scatter(table: pd.DataFrame, x: str, y: str = "E", *, xlabel: str, ylabel: str = _E_LABEL,
            percent_x: bool = True, title: str = "", labels: bool | None = None) -> plt.Figure:
    """Each municipality a point at (``x``, ``y``), area proportional to its followers, colour by country.

    Labels (page names) are placed without overlaps up to :data:`~kommunsocial.report.style.MAX_PAGES_DRAWN`
    pages and left out above (``labels`` forces either). ``percent_x`` shows a 0–1 share as %.
    """
    setup()
    for col in (x, y, "page_name"):
        if col not in table:
            raise KeyError(f"the table has no column {col!r}; "
                           f"make it with kommunsocial.report.compare.municipality_table")
    d = table.assign(_x=table[x].astype("float64") * (100 if percent_x else 1),
                     _y=table[y].astype("float64")).dropna(subset=["_x", "_y"])
    if d.empty:
        return None
    followers = d["followers"] if "followers" in d else pd.Series(np.nan, index=d.index)
    top = float(followers.max()) if followers.notna().any() else 1.0
    areas = _areas(followers, top)
    countries = d["country"].astype("string").fillna("unknown") if "country" in d else pd.Series("unknown",
                                                                                                 index=d.index)
    # countries take the colours tone does not use: blue and orange mean formal and conversational
    palette = dict(zip(sorted(set(countries) - {"unknown"}), OTHER_COLOURS))
    palette["unknown"] = NEUTRAL
    fig, ax = plt.subplots(figsize=(9.5, 5.8))
    order = np.argsort(-areas, kind="stable")  # small pages drawn on top of large ones
    d, areas, countries = d.iloc[order], areas[order], countries.iloc[order]
    ax.scatter(d["_x"], d["_y"], s=areas, c=[palette[c] for c in countries], alpha=0.75, edgecolors="white",
               linewidths=0.8, zorder=3)
    # room around the points for their labels
    for values, setter in ((d["_x"], ax.set_xlim), (d["_y"], ax.set_ylim)):
        lo, hi = float(values.min()), float(values.max())
        pad = (hi - lo) * 0.16 or max(abs(hi) * 0.2, 1.0)
        setter(lo - pad, hi + pad)
    if percent_x:
        lo, hi = ax.get_xlim()
        ax.set_xlim(max(lo, -3), min(hi, 103))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    handles = [Line2D([], [], marker="o", ls="", markersize=8, color=palette[c], label=c)
               for c in palette if c in set(countries)]
    if followers.notna().any():
        refs = sorted({_nice(v) for v in (top, top / 4, top / 16) if v >= 1})
        handles.append(Line2D([], [], ls="", label="followers"))
        handles += [Line2D([], [], marker="o", ls="", color="0.6", alpha=0.75, label=f"{v:,.0f}",
                           markersize=np.sqrt(_areas(pd.Series([v]), top)[0])) for v in refs]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, labelspacing=1.1,
              borderaxespad=0)
    fig.tight_layout()
    show = labels if labels is not None else len(d) <= MAX_PAGES_DRAWN
    if show:
        place_labels(ax, d["_x"], d["_y"], d["page_name"].astype(str), areas=areas)
    else:
        ax.text(0.99, 0.01, f"{len(d)} pages: too many to label", transform=ax.transAxes, ha="right", va="bottom",
                fontsize=8.5, color="0.4")
    return fig


def conversational_vs_engagement(table: pd.DataFrame) -> plt.Figure:
    """Each municipality's share of conversational posts against its engagement E."""
    if "share_conversational" not in table or table["share_conversational"].isna().all():
        return empty("No tone in this selection, so there is no share of conversational posts to compare.")
    fig = scatter(table, "share_conversational", xlabel="conversational posts (% of the page's posts)",
                  title="Tone and engagement, one point per municipality")
    return fig if fig is not None else empty("No municipality has both a tone share and an engagement E.")


def answer_rate_vs_engagement(table: pd.DataFrame) -> plt.Figure:
    """Each municipality's share of citizens' threads it answered against its engagement E."""
    if "answer_rate" not in table or table["answer_rate"].isna().all():
        return empty("No answer rates: this export has no comments (or no citizen threads), "
                      "so how often a page answers is unknown.")
    fig = scatter(table, "answer_rate", xlabel="citizens' threads answered by the page (%)",
                  title="Answering and engagement, one point per municipality")
    return fig if fig is not None else empty("No municipality has both an answer rate and an engagement E.")

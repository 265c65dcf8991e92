"""How the formality index reads against people: calibration, and a "mixed" band around the threshold.

The index is fitted as a probability of *formal*, but on real text a score of 70 need not mean
that 70 % of such posts are read as formal. :func:`calibration` tabulates, band by band of the
index, the share of posts people coded formal; :func:`fit_calibration` fits the curve through
them (a logistic regression of the human code on the index's log-odds); :func:`mixed_band` reads
off the scores where people are split (by default, where a third to two thirds of posts are coded
formal).
:func:`bands` then labels posts formal / mixed / conversational instead of forcing every post
into two classes.

>>> bands([10.0, 50.0, 90.0, None], mixed=(40, 71)).tolist()
['conversational', 'mixed', 'formal', <NA>]
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_MIXED", "BAND_LABELS", "bands", "calibration", "fit_calibration", "mixed_band", "wilson"]

#: The mixed band the package uses when none is given: index scores where, on the real development
#: set (``benchmarks/realdev``: 624 texts in sv, nb, nn and da, train and test), between a third and
#: two thirds of the texts were coded formal by a person (:func:`mixed_band` of
#: :func:`fit_calibration`: 40.0–70.5, rounded outwards to whole points; ``benchmarks/tone_validity.py``).
DEFAULT_MIXED: tuple[float, float] = (40.0, 71.0)
BAND_LABELS = ("conversational", "mixed", "formal")


def bands(formality, *, mixed: tuple[float, float] = DEFAULT_MIXED) -> pd.Series:
    """``formal`` at or above the band's upper end, ``conversational`` below its lower end, else ``mixed``.

    Missing scores (content-free text, a language without resources) stay missing.

    >>> bands(pd.Series([34.9, 35.0, 64.9, 65.0]), mixed=(35, 65)).tolist()
    ['conversational', 'mixed', 'mixed', 'formal']
    """
    lo, hi = _check_band(mixed)
    f = pd.Series(formality, dtype="float64") if not isinstance(formality, pd.Series) else formality.astype("float64")
    out = np.where(f >= hi, "formal", np.where(f < lo, "conversational", "mixed")).astype(object)
    out[f.isna().to_numpy()] = None
    return pd.Series(pd.array(out, dtype="string"), index=f.index, name="band")


def _check_band(mixed) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in mixed)
    except (TypeError, ValueError):
        raise ValueError(f"mixed={mixed!r}: give two scores (low, high) between 0 and 100") from None
    if not 0 <= lo <= hi <= 100:
        raise ValueError(f"mixed={mixed!r}: need 0 ≤ low ≤ high ≤ 100")
    return lo, hi


def wilson(successes, n, *, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95 % interval of a proportion (Wilson 1927), element-wise; NaN where n is 0.

    >>> lo, hi = wilson(8, 10)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.49, 0.943)
    """
    k, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _pairs(formality, gold) -> pd.DataFrame:
    f = pd.Series(formality).astype("float64") if not isinstance(formality, pd.Series) else formality.astype("float64")
    g = pd.Series(gold, index=f.index) if not isinstance(gold, pd.Series) else gold.reindex(f.index)
    g = g.astype("string")
    both = pd.DataFrame({"formality": f, "gold": g}).dropna()
    both = both[both["gold"].isin(["formal", "conversational"])]
    return both


def calibration(formality, gold, *, edges=(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)) -> pd.DataFrame:
    """Per band of the index: posts, mean index, share coded formal by people, and its 95 % interval.

    Parameters
    ----------
    formality : Series or sequence of float
        The index (0–100), or any score on that scale (100 × a classifier's P(formal)).
    gold : Series or sequence of str
        The human code of the same posts (``formal`` / ``conversational``); other values and
        missing ones are left out. Series are aligned on their index.
    edges : sequence of float
        Band edges; the last band includes 100.

    Returns
    -------
    DataFrame indexed by band (``"40–50"``) with ``posts``, ``mean_index``, ``share_formal``,
    ``low`` and ``high`` (Wilson 95 %). A well-calibrated index has ``share_formal`` ≈
    ``mean_index`` / 100 in every band.

    >>> calibration([5, 15, 95, 96], ["conversational", "formal", "formal", "formal"],
    ...             edges=(0, 50, 100))["share_formal"].tolist()
    [0.5, 1.0]
    """
    both = _pairs(formality, gold)
    edges = [float(e) for e in edges]
    labels = [f"{edges[i]:g}–{edges[i + 1]:g}" for i in range(len(edges) - 1)]
    band = pd.cut(both["formality"], bins=edges, right=False, labels=labels, include_lowest=True)
    band = band.where(both["formality"] < edges[-1], labels[-1])  # the top edge belongs to the last band
    formal = (both["gold"] == "formal").astype(float)
    grouped = pd.DataFrame({"band": band, "formal": formal, "formality": both["formality"]}).groupby(
        "band", observed=False)
    out = pd.DataFrame({"posts": grouped.size(), "mean_index": grouped["formality"].mean(),
                        "share_formal": grouped["formal"].mean()})
    lo, hi = wilson(out["share_formal"] * out["posts"], out["posts"])
    out["low"], out["high"] = lo, hi
    out.index = out.index.astype(str)
    out.index.name = "index band"
    out["posts"] = out["posts"].astype(int)
    return out


def _logit_index(formality) -> np.ndarray:
    p = np.clip(np.asarray(formality, dtype=float) / 100.0, 0.001, 0.999)
    return np.log(p / (1 - p))


def fit_calibration(formality, gold) -> dict:
    """The logistic curve P(coded formal) = σ(a + b · logit(index / 100)) fitted by maximum likelihood.

    ``a = 0, b = 1`` is perfect calibration; ``b < 1`` an index more extreme than people are. The
    index's log-odds are clipped to ±6.9 (scores 0.1–99.9). Returns ``{"a", "b", "n"}``; raises a
    ValueError with fewer than 10 coded posts, only one code, or codes the index separates perfectly
    (then any slope fits: the sample has no post where people and the index are unsure).

    >>> rng = np.random.default_rng(0)
    >>> f = rng.uniform(1, 99, 4000)
    >>> g = np.where(rng.uniform(size=4000) < f / 100, "formal", "conversational")
    >>> fit = fit_calibration(f, g)
    >>> abs(fit["a"]) < 0.15 and abs(fit["b"] - 1) < 0.1
    True
    """
    import statsmodels.api as sm

    both = _pairs(formality, gold)
    y = (both["gold"] == "formal").to_numpy(float)
    if len(both) < 10 or y.min() == y.max():
        raise ValueError(f"calibration needs at least 10 coded posts with both codes; got {len(both)} "
                         f"({int(y.sum())} formal)")
    f = both["formality"].to_numpy(float)
    if f[y == 0].max() < f[y == 1].min():
        raise ValueError(f"the index separates the {len(both)} coded posts perfectly (every post coded formal "
                         f"scores above every post coded conversational), so the curve has no finite slope")
    x = sm.add_constant(_logit_index(f), has_constant="add")
    with warnings.catch_warnings():  # quasi-separation shows as non-convergence, checked below
        warnings.simplefilter("ignore")
        res = sm.Logit(y, x).fit(disp=0, maxiter=200)
    if not res.mle_retvals.get("converged", True):
        raise ValueError(f"the calibration curve did not converge on {len(both)} coded posts (nearly separated)")
    return {"a": float(res.params[0]), "b": float(res.params[1]), "n": int(len(both))}


def mixed_band(fit: dict, *, low: float = 1 / 3, high: float = 2 / 3) -> tuple[float, float]:
    """The index scores between which people code ``low`` to ``high`` of posts formal, by a calibration fit.

    >>> mixed_band({"a": 0.0, "b": 1.0})  # a perfectly calibrated index: the scores 33.3 and 66.7
    (33.3, 66.7)
    >>> mixed_band({"a": 0.0, "b": 1.0}, low=0.2, high=0.8)
    (20.0, 80.0)
    """
    if not 0 < low < high < 1:
        raise ValueError("need 0 < low < high < 1")
    a, b = fit["a"], fit["b"]
    if b <= 0:
        raise ValueError(f"the calibration slope is {b:.3f} ≤ 0: the index does not rise with the share coded "
                         f"formal, so it has no mixed band")

    def at(p):
        x = (np.log(p / (1 - p)) - a) / b
        return float(np.round(100.0 / (1.0 + np.exp(-x)), 1))

    return at(low), at(high)

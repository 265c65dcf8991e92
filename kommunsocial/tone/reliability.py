"""Reliability of hand coding and validation against it: agreement, Cohen's kappa, Krippendorff's alpha.

The coders' long table comes from :func:`kommunsocial.tone.coding.read_coding`.

>>> coded = pd.DataFrame({"post_id": ["1", "2", "3", "1", "2", "3"], "coder": ["a"] * 3 + ["b"] * 3,
...                       "tone": ["formal", "formal", "conversational", "formal", "conversational",
...                                "conversational"], "formality": [5, 4, 1, 5, 3, 2]})
>>> reliability(coded, n_boot=0).loc["percent_agreement", "estimate"].round(3)
np.float64(0.667)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .coding import TONES

__all__ = ["reliability", "cohen_kappa", "krippendorff_alpha", "percent_agreement", "gold_labels", "validate"]


# -- agreement ---------------------------------------------------------------------------------
def _units(coded: pd.DataFrame, variable: str) -> pd.DataFrame:
    """Units × coders matrix of values (missing where a coder did not code the unit)."""
    for col in ("post_id", "coder", variable):
        if col not in coded.columns:
            raise ValueError(f"coded table lacks column {col!r}")
    data = coded.dropna(subset=[variable])
    return data.pivot_table(index="post_id", columns="coder", values=variable, aggfunc="first", observed=True)


def _codes(matrix) -> tuple[np.ndarray, list]:
    """Integer codes (−1 missing) of a units × coders matrix, and the sorted distinct values."""
    data = pd.DataFrame(matrix)
    flat = pd.Series(data.to_numpy(dtype=object).ravel())
    present = flat.notna().to_numpy()
    values = sorted(set(flat[present]))
    pos = {v: i for i, v in enumerate(values)}
    codes = np.full(flat.size, -1, dtype=np.int64)
    codes[present] = [pos[v] for v in flat[present]]
    return codes.reshape(data.shape), values


def _value_counts(codes: np.ndarray, k: int) -> np.ndarray:
    """units × values: how many coders gave each value to each unit."""
    counts = np.zeros((codes.shape[0], k))
    rows, cols = np.nonzero(codes >= 0)
    np.add.at(counts, (rows, codes[rows, cols]), 1)
    return counts


def percent_agreement(matrix) -> float:
    """Share of coder pairs, over units coded by two or more, that gave the same value.

    With two coders this is the share of units on which they agree.

    >>> percent_agreement([["a", "a"], ["a", "b"], ["b", "b"], ["a", None]])
    0.6666666666666666
    """
    codes, values = _codes(matrix)
    return _agreement_codes(codes, len(values))


def _agreement_codes(codes: np.ndarray, k: int) -> float:
    counts = _value_counts(codes, k)
    m = counts.sum(axis=1)
    ok = m >= 2
    if not ok.any():
        return np.nan
    per_unit = (counts[ok] * (counts[ok] - 1)).sum(axis=1) / (m[ok] * (m[ok] - 1))
    return float(per_unit.mean())


def _kappa_codes(codes: np.ndarray, k: int) -> float:
    a, b = codes[:, 0], codes[:, 1]
    both = (a >= 0) & (b >= 0)
    a, b = a[both], b[both]
    if not len(a):
        return np.nan
    po = float((a == b).mean())
    pe = float((np.bincount(a, minlength=k) / len(a) * np.bincount(b, minlength=k) / len(b)).sum())
    return np.nan if pe == 1.0 else (po - pe) / (1 - pe)


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two coders' nominal codes (units coded by both).

    κ = (pₒ − pₑ) / (1 − pₑ), pₑ from each coder's own marginal distribution (Cohen 1960).

    >>> cohen_kappa(["y"] * 25 + ["n"] * 25, ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15)
    0.4
    """
    a, b = pd.Series(list(a), dtype=object), pd.Series(list(b), dtype=object)
    keep = a.notna() & b.notna()
    a, b = a[keep].astype(str), b[keep].astype(str)
    n = len(a)
    if n == 0:
        return np.nan
    po = float((a.to_numpy() == b.to_numpy()).mean())
    cats = sorted(set(a) | set(b))
    pa = a.value_counts(normalize=True).reindex(cats, fill_value=0)
    pb = b.value_counts(normalize=True).reindex(cats, fill_value=0)
    pe = float((pa * pb).sum())
    if pe == 1.0:
        return np.nan
    return round((po - pe) / (1 - pe), 12)


def krippendorff_alpha(matrix, *, level: str = "nominal") -> float:
    """Krippendorff's alpha of a units × coders matrix (missing values allowed).

    α = 1 − Dₒ / Dₑ from the coincidence matrix, with the nominal (0/1) or ordinal distance
    (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"; ordinal:
    δ²(c, k) = (Σ_{g=c..k} n_g − (n_c + n_k) / 2)²). Units coded by fewer than two coders are
    not pairable and are left out.

    >>> round(krippendorff_alpha([[0, 1], [1, 1], [0, 1], [0, 0], [0, 0], [0, 1], [0, 0], [0, 0], [1, 0], [0, 0]]), 3)
    0.095
    """
    if level not in ("nominal", "ordinal"):
        raise ValueError(f"level={level!r}: choose 'nominal' or 'ordinal'")
    codes, values = _codes(matrix)
    return _alpha_codes(codes, len(values), level)


def _alpha_codes(codes: np.ndarray, k: int, level: str) -> float:
    counts = _value_counts(codes, k)
    m = counts.sum(axis=1)
    counts, m = counts[m >= 2], m[m >= 2]
    if not len(m) or k == 0:
        return np.nan
    # coincidence matrix: o_ck = sum over units of n_uc * (n_uk - [c == k]) / (m_u - 1)
    weighted = counts / (m - 1)[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if level == "nominal":
        delta = 1.0 - np.eye(k)
    else:
        cum = np.cumsum(n_c)
        delta = np.zeros((k, k))
        for c in range(k):
            for e in range(k):
                lo, hi = min(c, e), max(c, e)
                between = cum[hi] - (cum[lo - 1] if lo > 0 else 0.0)
                delta[c, e] = (between - (n_c[c] + n_c[e]) / 2.0) ** 2
    d_o = (coincidence * delta).sum() / n
    d_e = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1))
    if d_e == 0:
        return np.nan
    return float(1.0 - d_o / d_e)


def reliability(coded: pd.DataFrame, *, level: str = "nominal", variable: str | None = None,
                n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Inter-coder reliability with bootstrap 95 % confidence intervals.

    Parameters
    ----------
    coded : DataFrame
        The long table of :func:`read_coding` (``post_id``, ``coder`` and the coded variable).
    level : "nominal" or "ordinal"
        Level of measurement for Krippendorff's alpha.
    variable : str, optional
        The coded column: ``tone`` for ``level="nominal"``, ``formality`` for ``"ordinal"`` by default.
    n_boot : int
        Bootstrap resamples of units (0: no intervals).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame indexed by measure (``percent_agreement``, ``cohen_kappa`` (two coders only),
    ``krippendorff_alpha``) with ``estimate``, ``ci_low``, ``ci_high``, ``units``, ``coders``.

    Notes
    -----
    Percentile bootstrap over units (posts), which keeps each post's codes together (Hayes &
    Krippendorff 2007 resample coincidences; resampling units is the common simpler variant).
    Cohen's kappa (Cohen 1960) treats codes as nominal; alpha follows Krippendorff (2011).
    """
    variable = variable or ("tone" if level == "nominal" else "formality")
    matrix = _units(coded, variable)
    if matrix.shape[1] >= 1:
        matrix = matrix.astype(object).where(matrix.notna(), None)
    pairable = matrix.notna().sum(axis=1) >= 2
    matrix = matrix[pairable]
    n_coders = matrix.shape[1]

    codes, values = _codes(matrix) if len(matrix) else (np.zeros((0, n_coders), dtype=np.int64), [])
    k = len(values)

    def measures(c: np.ndarray) -> dict:
        out = {"percent_agreement": _agreement_codes(c, k)}
        if n_coders == 2:
            out["cohen_kappa"] = _kappa_codes(c, k)
        out["krippendorff_alpha"] = _alpha_codes(c, k, level)
        return out

    est = measures(codes) if len(codes) else {"percent_agreement": np.nan, "krippendorff_alpha": np.nan}
    table = pd.DataFrame({"estimate": pd.Series(est, dtype=float)})
    table["ci_low"] = np.nan
    table["ci_high"] = np.nan
    if n_boot and len(codes) >= 2:
        rng = np.random.default_rng(seed)
        draws = [measures(codes[rng.integers(0, len(codes), size=len(codes))]) for _ in range(int(n_boot))]
        boot = pd.DataFrame(draws)
        table["ci_low"] = boot.quantile(0.025)
        table["ci_high"] = boot.quantile(0.975)
    table["units"] = len(matrix)
    table["coders"] = n_coders
    table.index.name = "measure"
    return table


# -- validation against the coders ---------------------------------------------------------------
def gold_labels(coded: pd.DataFrame, *, ties: str = "drop") -> pd.Series:
    """Each post's gold tone: the code most coders gave it.

    ``ties``: ``"drop"`` leaves posts with a tie out; ``"first"`` gives them the code of the first
    coder by name (a random coded sample then stays whole: leaving out the posts coders disagree
    on, the hard ones, makes it no longer random). ``attrs["ties"]`` counts the ties either way.

    >>> coded = pd.DataFrame({"post_id": ["1", "1", "2", "2"], "coder": ["b", "a", "a", "b"],
    ...                       "tone": ["formal", "conversational", "formal", "formal"]})
    >>> gold_labels(coded).to_dict(), gold_labels(coded, ties="first").to_dict()
    ({'2': 'formal'}, {'1': 'conversational', '2': 'formal'})
    """
    if ties not in ("drop", "first"):
        raise ValueError(f"ties={ties!r}: choose 'drop' or 'first'")
    data = coded.dropna(subset=["tone"])
    counts = data.groupby(["post_id", "tone"], observed=True).size().unstack(fill_value=0)
    top = counts.max(axis=1)
    tied = (counts.eq(top, axis=0)).sum(axis=1) > 1
    if ties == "drop":
        gold = counts[~tied].idxmax(axis=1).astype("string").rename("gold")
    else:
        gold = counts.idxmax(axis=1).astype("string").rename("gold")
        if tied.any():
            first = data.sort_values("coder", kind="mergesort").drop_duplicates("post_id").set_index("post_id")["tone"]
            gold[tied] = first.reindex(gold.index[tied]).astype("string")
    gold.attrs["ties"] = int(tied.sum())
    return gold


def validate(predicted, gold, *, lang=None) -> dict:
    """Precision, recall and F1 of predicted tones against gold codes, overall and per language.

    Parameters
    ----------
    predicted : Series
        Predicted tone by post id (index), e.g. ``add_tone(posts).set_index("post_id")["tone"]``.
    gold : Series or DataFrame
        Gold tone by post id, or the long table of :func:`read_coding` (majority code, see
        :func:`gold_labels`).
    lang : Series or str, optional
        Each post's language (by post id), to break the scores down.

    Returns
    -------
    dict with ``scores`` (DataFrame: per language and ``all``: ``n``, ``accuracy``, precision,
    recall and F1 of each tone, and ``macro_f1``) and ``confusion`` (gold tone × predicted tone
    counts, per language).

    >>> g = pd.Series(["formal", "formal", "conversational", "conversational"], index=list("abcd"))
    >>> p = pd.Series(["formal", "conversational", "conversational", "conversational"], index=list("abcd"))
    >>> row = validate(p, g)["scores"].loc["all"]
    >>> int(row["n"]), float(row["precision_formal"]), float(row["recall_formal"]), float(row["macro_f1"])
    (4, 1.0, 0.5, 0.733)
    """
    if isinstance(gold, pd.DataFrame):
        gold = gold_labels(gold)
    predicted = pd.Series(predicted).astype("string")
    gold = pd.Series(gold).astype("string")
    both = pd.DataFrame({"gold": gold, "pred": predicted.reindex(gold.index)}).dropna()
    if isinstance(lang, str):
        both["lang"] = lang
    elif lang is not None:
        both["lang"] = pd.Series(lang).astype("string").reindex(both.index).fillna("und")
    groups = [("all", both)]
    if "lang" in both.columns:
        groups += [(str(k), g) for k, g in both.groupby("lang", observed=True)]
    rows, confusion = {}, []
    for name, g in groups:
        row = {"n": int(len(g)), "accuracy": round(float((g["gold"] == g["pred"]).mean()), 3) if len(g) else np.nan}
        f1s = []
        for tone in TONES:
            tp = int(((g["pred"] == tone) & (g["gold"] == tone)).sum())
            n_pred, n_gold = int((g["pred"] == tone).sum()), int((g["gold"] == tone).sum())
            prec = tp / n_pred if n_pred else np.nan
            rec = tp / n_gold if n_gold else np.nan
            f1 = 2 * prec * rec / (prec + rec) if n_pred and n_gold and (prec + rec) else (0.0 if n_gold else np.nan)
            row.update({f"precision_{tone}": round(prec, 3), f"recall_{tone}": round(rec, 3),
                        f"f1_{tone}": round(f1, 3)})
            f1s.append(f1)
        row["macro_f1"] = round(float(np.nanmean(f1s)), 3) if not all(np.isnan(f1s)) else np.nan
        rows[name] = row
        table = pd.crosstab(pd.Categorical(g["gold"], categories=TONES), pd.Categorical(g["pred"], categories=TONES),
                            dropna=False)
        table.index.name, table.columns.name = "gold", "predicted"
        confusion.append(table.assign(lang=name).set_index("lang", append=True).reorder_levels(["lang", "gold"]))
    scores = pd.DataFrame(rows).T
    scores["n"] = scores["n"].astype(int)
    scores.index.name = "lang"
    return {"scores": scores, "confusion": pd.concat(confusion)}

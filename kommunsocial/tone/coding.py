"""Hand coding of tone: a blind stratified coding sample, coders' sheets, reliability, validation.

>>> coded = pd.DataFrame({"post_id": ["1", "2", "3", "1", "2", "3"], "coder": ["a"] * 3 + ["b"] * 3,
...                       "tone": ["formal", "formal", "conversational", "formal", "conversational",
...                                "conversational"], "formality": [5, 4, 1, 5, 3, 2]})
>>> reliability(coded, n_boot=0).loc["percent_agreement", "estimate"].round(3)
np.float64(0.667)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import spreadsheet
from ..errors import KommunsocialError

__all__ = ["TONES", "CODEBOOK", "sample_for_coding", "write_sheet", "read_coding", "read_coding_dir",
           "reliability", "cohen_kappa", "krippendorff_alpha", "percent_agreement", "gold_labels", "validate",
           "simulate_coders", "CodingError"]

#: The two tone codes.
TONES = ("formal", "conversational")
SHEET_COLUMNS = ["id", "page", "date", "text", "tone", "formality"]

CODEBOOK = """# Codebook: tone of municipal social-media posts

Code every post in the sheet on its own, from its text only (do not look up the post, its
engagement or any model's score). Leave no cell in `tone` empty; write `formality` as a whole
number. If a post cannot be coded (no text, not in a language you read), leave both cells empty.

## tone — the voice of the post as a whole (nominal)

* `formal`: the municipality writes as an authority: impersonal, bureaucratic or legal wording
  (officialese such as *erhålla, samt, i enlighet med, vederbörande*), passive constructions
  (*ansökan ska inkomma*, *meldes*), nominal style, no address of the reader as "you", no
  emoji used for mood. Formal notices with a warning emoji (⚠️ 📢) are still formal.
* `conversational`: the municipality talks to people: addresses the reader (*du, ni, dere, you*),
  speaks as *we*, asks questions, greets, thanks, uses exclamations, emoji, everyday or
  colloquial words. A post that quotes a formal decision and explains it in plain words is
  conversational.

When a post mixes both, code the voice that dominates the post; use `formality` 3 for a real mix.

## formality — how formal the wording is (ordinal, 1–5)

1. very conversational (chatty, emoji, exclamations, slang)
2. conversational (plain, friendly, addresses the reader)
3. neutral or mixed (plain information without personal address, or a real mix)
4. formal (impersonal, officialese or passive, but readable)
5. very formal (legal or bureaucratic prose, dense officialese)

## Columns

`id` the post's id (do not change) · `page` the municipality's page · `date` the day of posting ·
`text` the post (personal data already masked) · `tone` your code · `formality` your rating.
"""


class CodingError(KommunsocialError, ValueError):
    """A coding sheet is not what it should be: names the file, the row and the column."""


def _posts_and_names(dataset_or_posts):
    if hasattr(dataset_or_posts, "posts") and hasattr(dataset_or_posts, "pages"):
        posts = dataset_or_posts.posts.copy()
        names = dataset_or_posts.pages.set_index("page_id")["page_name"]
        posts["page"] = posts["page_id"].map(names).fillna(posts["page_id"]).astype(str)
        return posts
    if not isinstance(dataset_or_posts, pd.DataFrame):
        raise TypeError("give a kommunsocial Dataset or a posts DataFrame")
    posts = dataset_or_posts.copy()
    if "page" not in posts.columns:
        posts["page"] = posts["page_name"] if "page_name" in posts.columns else posts.get("page_id", "")
    return posts


def _period(created: pd.Series, period: str) -> pd.Series:
    times = pd.to_datetime(created, utc=True).dt.tz_localize(None)
    freq = {"month": "M", "quarter": "Q", "year": "Y"}.get(period)
    if freq is None:
        raise ValueError(f"period={period!r}: choose 'month', 'quarter' or 'year'")
    return times.dt.to_period(freq).astype(str)


def _allocate(sizes: pd.Series, n: int) -> pd.Series:
    """Proportional allocation of ``n`` over strata (largest remainder; never more than a stratum has)."""
    n = min(n, int(sizes.sum()))
    exact = sizes / sizes.sum() * n
    take = np.floor(exact).astype(int)
    rest = n - int(take.sum())
    order = (exact - take).sort_values(ascending=False, kind="mergesort").index
    for key in order:
        if rest <= 0:
            break
        if take[key] < sizes[key]:
            take[key] += 1
            rest -= 1
    return take


def sample_for_coding(dataset_or_posts, n: int, *, seed: int, strata=("page_id", "period", "post_type"),
                      period: str = "quarter", path=None, min_words: int = 1) -> pd.DataFrame:
    """A stratified random sample of posts as a blank coding sheet, blind to any model score.

    Parameters
    ----------
    dataset_or_posts : Dataset or DataFrame
        A :class:`kommunsocial.Dataset` or a posts table (``post_id``, ``page_id``, ``created_at``,
        ``text`` and the strata columns).
    n : int
        Posts to sample (all posts when there are fewer).
    seed : int
        Seed of the random draw; the same seed gives the same sheet.
    strata : tuple of str
        Columns that define strata; ``"period"`` is the posting ``period`` (quarter by default).
        Each stratum gets a share of ``n`` proportional to its size (largest remainder).
    path : str or Path, optional
        Write the sheet there: ``.csv`` (with a ``<name>.codebook.md`` beside it) or ``.xlsx``
        (the codebook as a second sheet).
    min_words : int
        Posts with fewer words (e.g. photo posts without text) are not sampled.

    Returns
    -------
    DataFrame with ``id``, ``page``, ``date``, ``text`` and empty ``tone`` and ``formality``, in
    random order (so coders do not see strata in sequence). No score column: coders are blind.

    Notes
    -----
    Stratified random sampling with proportional allocation (Krippendorff 2019, *Content
    Analysis*, ch. 6; Riffe, Lacy & Fico 2014, ch. 5).

    >>> posts = pd.DataFrame({"post_id": list("abcdef"), "page_id": ["p", "p", "p", "q", "q", "q"],
    ...     "created_at": pd.Timestamp("2024-01-05", tz="UTC"), "text": ["Hej och välkomna"] * 6,
    ...     "post_type": "photo"})
    >>> sheet = sample_for_coding(posts, 4, seed=1)
    >>> sheet["page"].value_counts().sort_index().tolist(), list(sheet.columns)
    ([2, 2], ['id', 'page', 'date', 'text', 'tone', 'formality'])
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive whole number, not {n!r}")
    posts = _posts_and_names(dataset_or_posts)
    missing = {"post_id", "created_at", "text"} - set(posts.columns)
    if missing:
        raise ValueError(f"the posts table lacks column(s) {sorted(missing)}")
    posts = posts[posts["text"].fillna("").astype(str).str.split().str.len() >= min_words]
    posts = posts.sort_values("post_id", kind="mergesort").reset_index(drop=True)
    keys = []
    for col in strata:
        if col == "period":
            posts["_period"] = _period(posts["created_at"], period)
            keys.append("_period")
        elif col in posts.columns:
            keys.append(col)
        else:
            raise ValueError(f"stratum column {col!r} is not in the posts table")
    rng = np.random.default_rng(seed)
    if keys:
        strata_keys = posts[keys].astype(str).agg("\x1f".join, axis=1)
    else:
        strata_keys = pd.Series("all", index=posts.index)
    sizes = strata_keys.value_counts().sort_index()
    take = _allocate(sizes, n)
    chosen = []
    for key, k in take.items():
        if k:
            idx = strata_keys.index[strata_keys == key].to_numpy()
            chosen.extend(rng.choice(idx, size=int(k), replace=False).tolist())
    picked = posts.loc[chosen].iloc[rng.permutation(len(chosen))]
    sheet = pd.DataFrame({
        "id": picked["post_id"].astype(str).to_numpy(),
        "page": picked["page"].astype(str).to_numpy(),
        "date": pd.to_datetime(picked["created_at"], utc=True).dt.strftime("%Y-%m-%d").to_numpy(),
        "text": picked["text"].fillna("").astype(str).to_numpy(),
        "tone": "",
        "formality": "",
    })
    if path is not None:
        write_sheet(sheet, path)
    return sheet


def write_sheet(sheet: pd.DataFrame, path) -> Path:
    """Write a coding sheet: CSV plus a ``.codebook.md`` sidecar, or XLSX with a ``codebook`` sheet."""
    from .._atomic import atomic_write

    path = Path(path)
    if path.suffix.lower() == ".csv":  # a post's "=HYPERLINK(…)" stays text in Excel (spreadsheet.py)
        with atomic_write(path) as tmp:
            spreadsheet.to_csv(sheet, tmp, index=False, lineterminator="\n", encoding="utf-8")
        with atomic_write(path.with_suffix(".codebook.md")) as tmp:
            tmp.write_text(CODEBOOK, encoding="utf-8")
    elif path.suffix.lower() == ".xlsx":
        with atomic_write(path) as tmp:
            codebook = pd.DataFrame({"codebook": CODEBOOK.splitlines()})
            spreadsheet.to_excel({"coding": sheet, "codebook": codebook}, tmp)
    else:
        raise ValueError(f"{path.name}: write the coding sheet as .csv or .xlsx")
    return path


# -- reading coders' sheets --------------------------------------------------------------------
def _read_sheet(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(path, sheet_name=0, dtype=str).fillna("")
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        return spreadsheet.unprotect_frame(pd.read_csv(path, dtype=str, keep_default_na=False, sep=None,
                                                       engine="python", encoding="utf-8-sig"))
    raise CodingError(f"{path.name}: not a coding sheet (.csv or .xlsx expected)")


def read_coding(paths, *, coders=None) -> pd.DataFrame:
    """Read two or more coders' sheets into one long table: ``post_id``, ``coder``, ``tone``, ``formality``.

    Parameters
    ----------
    paths : list of str or Path
        One sheet per coder (CSV or XLSX with the columns of :func:`sample_for_coding`).
    coders : list of str, optional
        Coder names; by default each file's name without extension (``coder_a.csv`` → ``coder_a``).

    Returns
    -------
    DataFrame, one row per coded post and coder. ``formality`` is ``Int64`` (missing when left
    empty); a post a coder left entirely empty is not in the table (not coded).

    Raises
    ------
    CodingError
        For an unknown tone code, a formality outside 1–5, a missing column or a repeated id,
        naming the file, the row (as a spreadsheet shows it, header = row 1) and the column.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise CodingError("reliability needs at least two coders' sheets")
    names = list(coders) if coders is not None else [p.stem for p in paths]
    if len(set(names)) != len(names):
        raise CodingError(f"coder names must differ: {names}")
    frames = []
    for path, coder in zip(paths, names):
        if not path.is_file():
            raise CodingError(f"{path}: no such coding sheet")
        sheet = _read_sheet(path)
        sheet.columns = [str(c).strip().lower() for c in sheet.columns]
        if "id" not in sheet.columns and "post_id" in sheet.columns:
            sheet = sheet.rename(columns={"post_id": "id"})
        for col in ("id", "tone", "formality"):
            if col not in sheet.columns:
                raise CodingError(f"{path.name}: column {col!r} is missing (found {list(sheet.columns)})")
        tone = sheet["tone"].astype(str).str.strip().str.lower()
        form = sheet["formality"].astype(str).str.strip()
        ids = sheet["id"].astype(str).str.strip()
        for i in range(len(sheet)):
            row = i + 2  # header is row 1
            if not ids.iloc[i]:
                raise CodingError(f"{path.name}, row {row}, column 'id': empty id")
            if tone.iloc[i] and tone.iloc[i] not in TONES:
                raise CodingError(f"{path.name}, row {row}, column 'tone': {sheet['tone'].iloc[i]!r} is not a "
                                  f"code; use {' or '.join(TONES)}")
            if form.iloc[i]:
                try:
                    value = float(form.iloc[i].replace(",", "."))
                except ValueError:
                    value = None
                if value is None or value != int(value) or not 1 <= value <= 5:
                    raise CodingError(f"{path.name}, row {row}, column 'formality': {form.iloc[i]!r} is not a "
                                      f"whole number from 1 to 5")
        dup = ids.duplicated()
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0]) + 2
            raise CodingError(f"{path.name}, row {row}, column 'id': post {ids[dup].iloc[0]!r} is coded twice")
        formality = pd.to_numeric(form.str.replace(",", ".", regex=False).replace("", None), errors="coerce")
        out = pd.DataFrame({"post_id": ids, "coder": coder, "tone": tone.replace("", None),
                            "formality": formality.round().astype("Int64")})
        frames.append(out[out["tone"].notna() | out["formality"].notna()])
    coded = pd.concat(frames, ignore_index=True)
    coded["tone"] = coded["tone"].astype("string")
    coded["coder"] = coded["coder"].astype("string")
    return coded


def read_coding_dir(folder) -> pd.DataFrame:
    """All coders' sheets (``*.csv``, ``*.xlsx``) in ``folder``; an empty table if there are fewer than two."""
    folder = Path(folder)
    paths = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".csv", ".xlsx")
                   and not p.name.startswith(("~", "."))) if folder.is_dir() else []
    if len(paths) < 2:
        return pd.DataFrame({"post_id": pd.Series(dtype="string"), "coder": pd.Series(dtype="string"),
                             "tone": pd.Series(dtype="string"), "formality": pd.Series(dtype="Int64")})
    return read_coding(paths)


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
def gold_labels(coded: pd.DataFrame) -> pd.Series:
    """Each post's gold tone: the code most coders gave it; posts with a tie are left out."""
    data = coded.dropna(subset=["tone"])
    counts = data.groupby(["post_id", "tone"], observed=True).size().unstack(fill_value=0)
    top = counts.max(axis=1)
    unique_top = (counts.eq(top, axis=0)).sum(axis=1) == 1
    return counts[unique_top].idxmax(axis=1).astype("string").rename("gold")


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


# -- simulated coders (for the bundled sample) -----------------------------------------------------
def simulate_coders(posts: pd.DataFrame, *, n: int = 200, seed: int = 0, error_rates=(0.06, 0.10),
                    coders=("coder_a", "coder_b")) -> dict:
    """Two (or more) simulated coders' sheets for posts with a known tone (column ``_tone``).

    Each coder codes the same ``n`` posts (a stratified sample, :func:`sample_for_coding`); coder
    *i* gives the wrong tone with probability ``error_rates[i]`` independently per post, and a
    formality rating drawn around the tone (formal: 4–5, conversational: 1–2, 3 now and then) that
    moves one step with the coder's error rate.

    Returns ``{coder name: sheet}`` (the columns of :func:`sample_for_coding`, filled in). The
    expected percent agreement on tone is ``(1−e₁)(1−e₂) + e₁e₂`` (0.85 for the defaults).

    >>> posts = pd.DataFrame({"post_id": [str(i) for i in range(40)], "page_id": "p", "text": "Hej alla",
    ...     "created_at": pd.Timestamp("2024-03-01", tz="UTC"), "post_type": "photo",
    ...     "_tone": ["formal", "conversational"] * 20})
    >>> sheets = simulate_coders(posts, n=30, seed=1)
    >>> sorted(sheets), len(sheets["coder_a"]), set(sheets["coder_b"]["tone"]) <= set(TONES)
    (['coder_a', 'coder_b'], 30, True)
    """
    if "_tone" not in posts.columns:
        raise ValueError("simulate_coders needs the true tone in a column '_tone' (the sample generator's)")
    if len(error_rates) != len(coders):
        raise ValueError("give one error rate per coder")
    strata = tuple(c for c in ("page_id", "period", "post_type") if c == "period" or c in posts.columns)
    sheet = sample_for_coding(posts, n, seed=seed, strata=strata)
    truth = posts.assign(post_id=posts["post_id"].astype(str)).set_index("post_id")["_tone"].astype(str)
    true_tone = truth.reindex(sheet["id"]).to_numpy()
    rng = np.random.default_rng([seed, 1])
    # a post's "true" formality: formal 4 or 5, conversational 1 or 2, 3 now and then
    base = np.where(true_tone == "formal", rng.choice([3, 4, 5], size=len(sheet), p=[0.1, 0.5, 0.4]),
                    rng.choice([1, 2, 3], size=len(sheet), p=[0.4, 0.5, 0.1]))
    out = {}
    for i, (name, err) in enumerate(zip(coders, error_rates)):
        crng = np.random.default_rng([seed, 2, i])
        flip = crng.random(len(sheet)) < err
        tone = np.where(flip, np.where(true_tone == "formal", "conversational", "formal"), true_tone)
        step = np.where(crng.random(len(sheet)) < err, crng.choice([-1, 1], size=len(sheet)), 0)
        formality = np.clip(base + step, 1, 5)
        # a coder who flips the tone rates on the other side of the middle too
        formality = np.where(flip & (tone == "formal"), np.maximum(formality, 3), formality)
        formality = np.where(flip & (tone == "conversational"), np.minimum(formality, 3), formality)
        out[name] = sheet.assign(tone=tone, formality=formality.astype(int))
    return out

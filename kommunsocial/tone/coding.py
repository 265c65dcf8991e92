"""Hand coding of tone: a blind stratified coding sample, the coders' sheets written and read back.

How far the coders agree, and how the index fares against them, is
:mod:`kommunsocial.tone.reliability`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import spreadsheet
from ..errors import KommunsocialError

__all__ = ["TONES", "CODEBOOK", "sample_for_coding", "write_sheet", "read_coding", "read_coding_dir",
           "simulate_coders", "CodingError", "inclusion_probabilities", "read_design", "design_probabilities",
           "write_design"]

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
        (the codebook as a second sheet), and the draw's parameters as ``<name>.design.json``,
        from which :func:`design_probabilities` recomputes each post's inclusion probability.
    min_words : int
        Posts with fewer words (e.g. photo posts without text) are not sampled: their inclusion
        probability is 0 (:func:`inclusion_probabilities`).

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
    posts, strata_keys, take = _design(dataset_or_posts, n, strata=strata, period=period, min_words=min_words)
    rng = np.random.default_rng(seed)
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
        _write_design(Path(path), {"n": int(n), "seed": int(seed), "strata": list(strata), "period": period,
                                   "min_words": int(min_words), "n_eligible": int(len(posts)),
                                   "n_sampled": int(len(sheet))})
    return sheet


def _design(dataset_or_posts, n, *, strata, period, min_words):
    """The eligible posts (sorted by id), each one's stratum and the posts allocated to each stratum."""
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
    if keys:
        # joined column by column (a row-wise join is a Python call per post: minutes on a country)
        strata_keys = posts[keys[0]].astype(str)
        for key in keys[1:]:
            strata_keys = strata_keys + "\x1f" + posts[key].astype(str)
    else:
        strata_keys = pd.Series("all", index=posts.index)
    sizes = strata_keys.value_counts().sort_index()
    return posts, strata_keys, _allocate(sizes, n)


def inclusion_probabilities(dataset_or_posts, n: int, *, strata=("page_id", "period", "post_type"),
                            period: str = "quarter", min_words: int = 1, seed: int | None = None) -> pd.Series:
    """The probability each post had of being drawn into the coding sample of :func:`sample_for_coding`.

    Parameters
    ----------
    dataset_or_posts, n, strata, period, min_words
        As given to :func:`sample_for_coding` when the sheet was drawn (a sheet written with
        ``path=`` has them in ``<sheet>.design.json``: ``read_design(path)``). Recomputed from the
        same posts, the probabilities are those of the draw.
    seed : int, optional
        Accepted so the sheet's parameters can be passed as they are; the probabilities do not
        depend on it (the seed chose which posts, not how likely each was).

    Returns
    -------
    Series ``p_coded`` indexed by ``post_id``, one value per post given: ``n_h / N_h`` for a post
    of stratum *h* (``N_h`` eligible posts, ``n_h`` allocated to it, the allocation of
    :func:`sample_for_coding`), and 0 for a post with fewer than ``min_words`` words, which
    could never be drawn: an estimate that weights coded posts by 1/p (the corrected fit of
    :func:`kommunsocial.engagement.corrected_fit`) represents only the posts with p > 0.

    Notes
    -----
    Within a stratum the draw is simple random sampling without replacement, so each of its
    ``N_h`` posts is drawn with probability ``n_h / N_h`` (Lohr 2022, *Sampling: Design and
    Analysis*, 3rd ed., ch. 3). For a sample drawn otherwise, give its own probabilities (simple
    random: ``n / N`` for every post).

    >>> posts = pd.DataFrame({"post_id": list("abcdef"), "page_id": ["p", "p", "p", "p", "q", "q"],
    ...     "created_at": pd.Timestamp("2024-01-05", tz="UTC"), "post_type": "photo",
    ...     "text": ["Hej och välkomna"] * 5 + [""]})
    >>> inclusion_probabilities(posts, 3).round(3).tolist()
    [0.5, 0.5, 0.5, 0.5, 1.0, 0.0]
    """
    eligible, strata_keys, take = _design(dataset_or_posts, n, strata=strata, period=period, min_words=min_words)
    sizes = strata_keys.value_counts()
    share = (take / sizes.reindex(take.index)).astype(float)
    p = pd.Series(strata_keys.map(share).to_numpy(dtype=float), index=eligible["post_id"].astype(str).to_numpy())
    ids = _posts_and_names(dataset_or_posts)["post_id"].astype(str)
    return pd.Series(p.reindex(ids).fillna(0.0).to_numpy(), index=pd.Index(ids.to_numpy(), name="post_id"),
                     name="p_coded")


def _design_path(path: Path) -> Path:
    return path.with_suffix(".design.json")


def write_design(sheet_path, dataset_or_posts, *, n: int, seed: int, strata=("page_id", "period", "post_type"),
                 period: str = "quarter", min_words: int = 1, n_sampled: int | None = None) -> Path:
    """Write ``<sheet>.design.json`` for a sheet drawn by :func:`sample_for_coding` without ``path=``
    (e.g. inside :func:`simulate_coders`): the parameters of the draw, so that
    :func:`design_probabilities` can recompute each post's probability of being drawn."""
    p = inclusion_probabilities(dataset_or_posts, n, strata=strata, period=period, min_words=min_words)
    design = {"n": int(n), "seed": int(seed), "strata": list(strata), "period": period, "min_words": int(min_words),
              "n_eligible": int((p > 0).sum()), "n_sampled": int(n if n_sampled is None else n_sampled)}
    _write_design(Path(sheet_path), design)
    return _design_path(Path(sheet_path))


def _write_design(path: Path, design: dict) -> None:
    """The draw's parameters beside the sheet, so its inclusion probabilities can be recomputed."""
    import json

    from .._atomic import atomic_write

    with atomic_write(_design_path(path)) as tmp:
        tmp.write_text(json.dumps(design, indent=1) + "\n", encoding="utf-8")


def read_design(sheet_path) -> dict:
    """The parameters a sheet was drawn with (its ``<sheet>.design.json``), for :func:`inclusion_probabilities`.

    Returns ``n``, ``seed``, ``strata``, ``period``, ``min_words`` (pass them on with ``**``) and
    ``n_eligible``, ``n_sampled`` (pop them: :func:`check_design` compares them with the posts).
    """
    import json

    path = _design_path(Path(sheet_path))
    if not path.is_file():
        raise CodingError(f"{path.name}: no design file beside the sheet; give the parameters the sheet was "
                          f"drawn with (n, strata, period, min_words) to inclusion_probabilities")
    design = json.loads(path.read_text(encoding="utf-8"))
    design["strata"] = tuple(design["strata"])
    return design


def design_probabilities(dataset_or_posts, sheet_path) -> pd.Series:
    """:func:`inclusion_probabilities` of a sheet written by :func:`sample_for_coding`, checked.

    Raises :class:`CodingError` when the posts are not those the sheet was drawn from (another
    number of eligible posts): the probabilities would not be the draw's.
    """
    design = read_design(sheet_path)
    n_eligible = design.pop("n_eligible")
    design.pop("n_sampled", None)
    p = inclusion_probabilities(dataset_or_posts, **design)
    if int((p > 0).sum()) != n_eligible:
        raise CodingError(f"{Path(sheet_path).name}: drawn from {n_eligible} posts with at least "
                          f"{design['min_words']} word(s), these posts have {int((p > 0).sum())}: not the posts "
                          f"the sheet was drawn from, so their inclusion probabilities are not the draw's")
    return p


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


# -- simulated coders (for the bundled sample) -----------------------------------------------------
def simulate_coders(posts: pd.DataFrame, *, n: int = 200, seed: int = 0, error_rates=(0.06, 0.10),
                    coders=("coder_a", "coder_b"), hard_error_rates=None) -> dict:
    """Two (or more) simulated coders' sheets for posts with a known tone (column ``_tone``).

    Each coder codes the same ``n`` posts (a stratified sample, :func:`sample_for_coding`); coder
    *i* gives the wrong tone with probability ``error_rates[i]`` independently per post, and a
    formality rating drawn around the tone (formal: 4–5, conversational: 1–2, 3 now and then) that
    moves one step with the coder's error rate.

    With ``hard_error_rates`` and a column ``_style`` (the sample generator's: ``clear``, ``plain``,
    ``mixed``, ``short``), coder *i* errs on a post that is not ``clear`` with probability
    ``hard_error_rates[i]`` instead, and rates it 3 more often: people, too, disagree most on
    neutral notices, mixed voices and a few words.

    Returns ``{coder name: sheet}`` (the columns of :func:`sample_for_coding`, filled in). The
    expected percent agreement on tone is ``(1−e₁)(1−e₂) + e₁e₂`` (0.85 for the defaults) among
    posts of one kind.

    >>> posts = pd.DataFrame({"post_id": [str(i) for i in range(40)], "page_id": "p", "text": "Hej alla",
    ...     "created_at": pd.Timestamp("2024-03-01", tz="UTC"), "post_type": "photo",
    ...     "_tone": ["formal", "conversational"] * 20})
    >>> sheets = simulate_coders(posts, n=30, seed=1)
    >>> sorted(sheets), len(sheets["coder_a"]), set(sheets["coder_b"]["tone"]) <= set(TONES)
    (['coder_a', 'coder_b'], 30, True)
    """
    if "_tone" not in posts.columns:
        raise ValueError("simulate_coders needs the true tone in a column '_tone' (the sample generator's)")
    if len(error_rates) != len(coders) or (hard_error_rates is not None and len(hard_error_rates) != len(coders)):
        raise ValueError("give one error rate per coder")
    strata = tuple(c for c in ("page_id", "period", "post_type") if c == "period" or c in posts.columns)
    sheet = sample_for_coding(posts, n, seed=seed, strata=strata)
    keyed = posts.assign(post_id=posts["post_id"].astype(str)).set_index("post_id")
    true_tone = keyed["_tone"].astype(str).reindex(sheet["id"]).to_numpy()
    hard = np.zeros(len(sheet), dtype=bool)
    if hard_error_rates is not None and "_style" in keyed.columns:
        hard = keyed["_style"].astype(str).reindex(sheet["id"]).to_numpy() != "clear"
    rng = np.random.default_rng([seed, 1])
    # a post's "true" formality: formal 4 or 5, conversational 1 or 2, 3 now and then
    base = np.where(true_tone == "formal", rng.choice([3, 4, 5], size=len(sheet), p=[0.1, 0.5, 0.4]),
                    rng.choice([1, 2, 3], size=len(sheet), p=[0.4, 0.5, 0.1]))
    if hard.any():  # a neutral notice or a mix of voices is "3" as often as not (its own draws: clear posts as before)
        hrng = np.random.default_rng([seed, 3])
        base = np.where(hard, np.where(true_tone == "formal", hrng.choice([3, 4], size=len(sheet), p=[0.5, 0.5]),
                                       hrng.choice([2, 3], size=len(sheet), p=[0.5, 0.5])), base)
    out = {}
    for i, (name, err) in enumerate(zip(coders, error_rates)):
        crng = np.random.default_rng([seed, 2, i])
        err = np.where(hard, hard_error_rates[i], err) if hard.any() else err
        flip = crng.random(len(sheet)) < err
        tone = np.where(flip, np.where(true_tone == "formal", "conversational", "formal"), true_tone)
        step = np.where(crng.random(len(sheet)) < err, crng.choice([-1, 1], size=len(sheet)), 0)
        formality = np.clip(base + step, 1, 5)
        # a coder who flips the tone rates on the other side of the middle too
        formality = np.where(flip & (tone == "formal"), np.maximum(formality, 3), formality)
        formality = np.where(flip & (tone == "conversational"), np.minimum(formality, 3), formality)
        out[name] = sheet.assign(tone=tone, formality=formality.astype(int))
    return out

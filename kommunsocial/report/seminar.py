"""Small helpers for the seminar "Does tone matter?": students' own codes, model formulas, two municipalities.

>>> sheet = pd.DataFrame({"id": ["a", "b", "c", "d"], "page": "P", "text": ["x"] * 4})
>>> coded = coding_table(sheet, {"me": ["formal", "conversational", "formal", "formal"],
...                              "you": ["f", "c", "c", "formal"]})
>>> pairwise_agreement(coded, n_boot=0)[["units", "percent_agreement", "cohen_kappa"]].values.tolist()
[[4.0, 0.75, 0.5]]
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd

from . import render
from .seminar_files import PLACEHOLDER, SeminarError, collect, save_export, shown_path, write_coding_sheet
from ..tone import reliability

__all__ = ["look_at_posts", "quote", "show_sheet", "coding_table", "pairwise_agreement", "show_agreement", "codes_side_by_side",
           "tone_irr", "show_irr", "forest", "pick_pages", "page_table", "compare_municipalities", "SeminarError",
           "write_coding_sheet", "save_export", "collect", "shown_path", "PLACEHOLDER"]

#: What a student may type for each tone (case and surrounding spaces do not matter).
_ALIASES = {"formal": "formal", "f": "formal", "conversational": "conversational", "c": "conversational",
            "conv": "conversational"}

#: Names a patsy formula may use that are not columns.
_FORMULA_WORDS = {"C", "Treatment", "Sum", "Diff", "Poly", "Helmert", "I", "Q", "np", "log", "log1p", "exp",
                  "sqrt", "center", "standardize", "scale", "bs", "cr", "cc", "te"}


def _one_line(shell, etype, value, tb, tb_offset=None):
    """A SeminarError in a notebook shows as its one-line message, not a traceback of the package's code."""
    stb = [f"{etype.__name__}: {value}"]
    # IPython ignores what the handler returns: the handler shows it (in a kernel, as the cell's error)
    shell._showtraceback(etype, value, stb)
    return stb


def _short_errors_in_notebooks() -> None:
    # a student who typed a code wrong needs the sentence that says so, not 20 lines of our frames
    # above it; other errors keep their full traceback
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks only
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((SeminarError,), _one_line)


_short_errors_in_notebooks()


# -- step 1: look at posts -------------------------------------------------------------------------
def look_at_posts(ds, *, n: int = 8, seed: int = 0, max_chars: int = 220) -> pd.DataFrame:
    """``n`` random posts to read: page, date, type, text (shortened) and their engagement counts.

    Parameters
    ----------
    ds : Dataset
    n : int
        Posts to show (all when there are fewer).
    seed : int
        Seed of the random draw.
    max_chars : int
        Longer texts end in "…".

    Returns
    -------
    DataFrame with ``page``, ``date``, ``type``, ``text``, ``reactions``, ``comments``, ``shares``,
    numbered from 1.

    >>> import kommunsocial as ks
    >>> ds = ks.sample.generate(n_pages=2, years=0.1, seed=1).dataset()     # doctest: +SKIP
    >>> look_at_posts(ds, n=3).columns.tolist()                               # doctest: +SKIP
    ['page', 'date', 'type', 'text', 'reactions', 'comments', 'shares']
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise SeminarError(f"n must be a positive whole number, not {n!r}")
    posts = ds.posts
    picked = posts.sample(min(n, len(posts)), random_state=seed) if len(posts) else posts
    names = ds.pages.set_index("page_id")["page_name"]
    text = picked["text"].fillna("").astype(str).str.replace("\n", " ", regex=False)
    text = text.where(text.str.len() <= max_chars, text.str.slice(0, max_chars - 1) + "…")
    out = pd.DataFrame({
        "page": picked["page_id"].map(names).fillna(picked["page_id"]).astype(str).to_numpy(),
        "date": picked["created_at"].dt.strftime("%Y-%m-%d").to_numpy(),
        "type": picked["post_type"].astype(str).to_numpy(),
        "text": text.to_numpy(),
        "reactions": picked["n_reactions"].to_numpy(),
        "comments": picked["n_comments"].to_numpy(),
        "shares": picked["n_shares"].to_numpy(),
    }, index=pd.RangeIndex(1, len(picked) + 1, name="#"))
    return out


def quote(text):
    """A post's text to read in a notebook: escaped, wrapped to the page, as a quotation.

    >>> quote("<b>Hej</b>").data
    '> \\\\<b\\\\>Hej\\\\</b\\\\>'
    """
    return render.markdown("> " + render.markdown_text(text))


# -- exercise 1: code ten posts --------------------------------------------------------------------
def show_sheet(sheet: pd.DataFrame):
    """The coding sheet to read: posts numbered from 1 (the order of your list), full text, wrapped.

    >>> show_sheet(pd.DataFrame({"id": ["a", "b"], "page": "P", "text": ["Hej!", "Härmed"]})).data.index.tolist()
    [1, 2]
    """
    view = sheet[["page", "text"]].copy()
    view.index = pd.RangeIndex(1, len(view) + 1, name="#")
    return render.table(view, wrap=["text"])


def _tone_codes(values, coder: str, n: int) -> list:
    """One coder's codes as canonical tones (None: not coded), or a SeminarError saying what is wrong."""
    typed = not isinstance(values, pd.Series)  # a Series is the index's codes, not a student's list
    if not typed:
        values = values.tolist()
    if isinstance(values, str) or not hasattr(values, "__len__"):
        raise SeminarError(f"{coder}: give a list of codes, e.g. [\"formal\", \"conversational\", ...]")
    values = list(values)
    if len(values) != n:
        raise SeminarError(f"{coder}: {len(values)} codes for {n} posts; give exactly one code per post, "
                           f"in the order of the sheet (#1 first)")
    blank = [value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""
             for value in values]
    waiting = [i for i, value in enumerate(values, start=1) if str(value).strip() == PLACEHOLDER]
    if typed and n and len(waiting) + sum(blank) == n:
        raise SeminarError(f"{coder}: no codes typed yet; replace each \"{PLACEHOLDER}\" with \"formal\" or "
                           f"\"conversational\" (or \"f\" / \"c\"), #1 first, and run the cell again")
    if waiting:
        raise SeminarError(f"{coder}: post{'s' if len(waiting) > 1 else ''} "
                           f"{', '.join(f'#{i}' for i in waiting)} still \"{PLACEHOLDER}\"; type a code (or None "
                           f"for a post you cannot code)")
    out = []
    for i, value in enumerate(values, start=1):
        if blank[i - 1]:
            out.append(None)
            continue
        key = str(value).strip().lower()
        if key not in _ALIASES:
            raise SeminarError(f"{coder}, post #{i}: {value!r} is not a code; write \"formal\" or "
                               f"\"conversational\" (or \"f\" / \"c\")")
        out.append(_ALIASES[key])
    return out


def coding_table(sheet: pd.DataFrame, coders: dict) -> pd.DataFrame:
    """Codes typed as lists, one per coder, as the long table :func:`kommunsocial.tone.reliability.reliability` reads.

    Parameters
    ----------
    sheet : DataFrame
        The coding sheet of :func:`kommunsocial.tone.coding.sample_for_coding` (column ``id``).
    coders : dict
        Coder name → codes in the sheet's order: "formal" / "conversational" (or "f" / "c"; case
        does not matter); None or "" for a post the coder could not code. A Series (the index's
        ``tone``) is read in its order too. The students' notebook hands out lists of
        :data:`PLACEHOLDER` ("?"), one per post, for them to replace.

    Returns
    -------
    DataFrame with ``post_id``, ``coder``, ``tone`` (one row per post and coder who coded it).

    Raises
    ------
    SeminarError
        For a list of the wrong length or an unknown code, naming the coder and the post number;
        for a typed list that is still all placeholders or blanks (nothing coded: a kappa of such
        lists would be a number about nobody's codes), or with some posts still "?".

    >>> sheet = pd.DataFrame({"id": ["a", "b"]})
    >>> coding_table(sheet, {"me": ["F", "conversational"]}).values.tolist()
    [['a', 'me', 'formal'], ['b', 'me', 'conversational']]
    """
    if not isinstance(sheet, pd.DataFrame) or "id" not in sheet.columns:
        raise SeminarError("the sheet must be a coding sheet with an 'id' column (coding.sample_for_coding)")
    if not isinstance(coders, dict) or not coders:
        raise SeminarError("give the codes as a dict: {\"me\": my_codes, \"neighbour\": neighbour_codes}")
    ids = sheet["id"].astype(str).to_numpy()
    frames = []
    for coder, values in coders.items():
        codes = _tone_codes(values, str(coder), len(ids))
        frames.append(pd.DataFrame({"post_id": ids, "coder": str(coder), "tone": codes}))
    table = pd.concat(frames, ignore_index=True)
    table = table.dropna(subset=["tone"]).reset_index(drop=True)
    return table.astype({"post_id": "string", "coder": "string", "tone": "string"})


def pairwise_agreement(coded: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Percent agreement and Cohen's kappa of every pair of coders, with bootstrap 95 % intervals.

    Parameters
    ----------
    coded : DataFrame
        The long table of :func:`coding_table` (``post_id``, ``coder``, ``tone``).
    n_boot : int
        Bootstrap resamples of posts for the intervals (0: none).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame, one row per pair (in the order the coders first appear): ``coder_1``, ``coder_2``,
    ``units`` (posts both coded), ``percent_agreement``, ``cohen_kappa`` and their ``*_low`` /
    ``*_high`` interval bounds.

    Notes
    -----
    Each pair is passed to :func:`kommunsocial.tone.reliability.reliability` (Cohen 1960:
    κ = (pₒ − pₑ) / (1 − pₑ), pₑ from each coder's own marginals; percentile bootstrap over posts).
    On ten posts the intervals are wide: that is the lesson, not a flaw.

    >>> coded = coding_table(pd.DataFrame({"id": list("abcd")}),
    ...                      {"me": list("ffcc"), "you": list("fccc"), "index": list("ffcc")})
    >>> pairwise_agreement(coded, n_boot=0)[["coder_1", "coder_2", "percent_agreement"]].values.tolist()
    [['me', 'you', 0.75], ['me', 'index', 1.0], ['you', 'index', 0.75]]
    """
    for col in ("post_id", "coder", "tone"):
        if col not in coded.columns:
            raise SeminarError(f"the coded table lacks column {col!r}: build it with coding_table(...)")
    names = list(dict.fromkeys(coded["coder"].astype(str)))
    if len(names) < 2:
        raise SeminarError("agreement needs at least two coders")
    rows = []
    for a, b in itertools.combinations(names, 2):
        pair = coded[coded["coder"].isin([a, b])]
        table = reliability.reliability(pair, level="nominal", variable="tone", n_boot=n_boot, seed=seed)
        row = {"coder_1": a, "coder_2": b, "units": float(table["units"].iloc[0]) if len(table) else 0.0}
        for measure in ("percent_agreement", "cohen_kappa"):
            est = table["estimate"].get(measure, np.nan)
            row[measure] = float(est) if pd.notna(est) else np.nan
            row[f"{measure}_low"] = float(table["ci_low"].get(measure, np.nan))
            row[f"{measure}_high"] = float(table["ci_high"].get(measure, np.nan))
        rows.append(row)
    out = pd.DataFrame(rows)
    return out[["coder_1", "coder_2", "units", "percent_agreement", "percent_agreement_low",
                "percent_agreement_high", "cohen_kappa", "cohen_kappa_low", "cohen_kappa_high"]]


def show_agreement(agreement: pd.DataFrame):
    """The table of :func:`pairwise_agreement` as a reader wants it: one row per pair of coders, human
    headers, two decimals, each interval as "low to high".

    >>> t = pd.DataFrame({"coder_1": ["me"], "coder_2": ["partner"], "units": [10.0], "percent_agreement": [0.6],
    ...                   "percent_agreement_low": [0.3], "percent_agreement_high": [0.9], "cohen_kappa": [0.2],
    ...                   "cohen_kappa_low": [-0.4], "cohen_kappa_high": [0.78]})
    >>> show_agreement(t).data.values.tolist()
    [['me and partner', 10, '0.60', '0.30 to 0.90', '0.20', '−0.40 to 0.78']]
    """
    def number(x) -> str:
        # a minus sign, not a hyphen: "-0.40 to 0.78" reads as a range starting at a dash
        return "–" if pd.isna(x) else f"{x:.2f}".replace("-", "−")

    out = pd.DataFrame({
        "coders": agreement["coder_1"].astype(str) + " and " + agreement["coder_2"].astype(str),
        "posts both coded": agreement["units"].astype(int),
        "percent agreement": agreement["percent_agreement"].map(number),
        "agreement, 95 % interval": [f"{number(lo)} to {number(hi)}" for lo, hi in
                                     zip(agreement["percent_agreement_low"], agreement["percent_agreement_high"])],
        "Cohen's kappa": agreement["cohen_kappa"].map(number),
        "kappa, 95 % interval": [f"{number(lo)} to {number(hi)}" for lo, hi in
                                 zip(agreement["cohen_kappa_low"], agreement["cohen_kappa_high"])],
    })
    return render.table(out, hide_index=True, wrap=["coders"])


def codes_side_by_side(sheet: pd.DataFrame, coded: pd.DataFrame, *, formality=None,
                       max_chars: int = 160) -> pd.DataFrame:
    """The sheet's posts with every coder's code in a column and whether they all agree.

    ``formality`` (the index's 0–100 score, in the sheet's order) is added when given. Rows are
    numbered from 1 like :func:`show_sheet`; posts on which coders differ are the ones to discuss.

    >>> sheet = pd.DataFrame({"id": ["a", "b"], "page": "P", "text": ["Hej!", "Härmed"]})
    >>> coded = coding_table(sheet, {"me": ["c", "f"], "you": ["c", "c"]})
    >>> codes_side_by_side(sheet, coded)["agree"].tolist()
    [True, False]
    """
    wide = coded.pivot_table(index="post_id", columns="coder", values="tone", aggfunc="first")
    order = list(dict.fromkeys(coded["coder"].astype(str)))
    ids = sheet["id"].astype(str)
    text = sheet["text"].fillna("").astype(str).str.replace("\n", " ", regex=False)
    text = text.where(text.str.len() <= max_chars, text.str.slice(0, max_chars - 1) + "…")
    out = pd.DataFrame({"page": sheet["page"].astype(str).to_numpy(), "text": text.to_numpy()},
                       index=pd.RangeIndex(1, len(sheet) + 1, name="#"))
    for name in order:
        out[name] = wide[name].reindex(ids).to_numpy() if name in wide.columns else None
    if formality is not None:
        out["formality"] = np.round(np.asarray(pd.Series(formality).to_numpy(), dtype=float), 1)
    codes = out[order]
    out["agree"] = codes.nunique(axis=1, dropna=True).le(1).to_numpy()
    return out


# -- exercise 2: the model formula --------------------------------------------------------------------
def _check_formula(name: str, formula, columns) -> tuple[str, str]:
    from ..engagement.models import TONE_TERM

    if not isinstance(formula, str) or "~" not in formula:
        raise SeminarError(f"model {name!r}: a formula looks like \"comments ~ {TONE_TERM} + C(topic)\"")
    outcome, rhs = (part.strip() for part in formula.split("~", 1))
    if TONE_TERM not in rhs.replace('"', "'"):
        raise SeminarError(f"model {name!r}: keep the tone term {TONE_TERM} in the formula (its IRR is what "
                           f"we compare)")
    bare = re.sub(r"'[^']*'|\"[^\"]*\"", "", formula)
    unknown = sorted({w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", bare)} - set(columns) - _FORMULA_WORDS)
    if unknown:
        usable = ", ".join(sorted(c for c in columns if not str(c).startswith("_")))
        raise SeminarError(f"model {name!r}: {', '.join(unknown)} is not a column of the posts table; "
                           f"columns you can use: {usable}")
    return outcome, rhs


def tone_irr(metrics: pd.DataFrame, formulas: dict, *, exposure: str | None = None, family: str = "negbin",
             planted: dict | None = None) -> pd.DataFrame:
    """The incidence-rate ratio of a conversational tone in each of several models.

    Parameters
    ----------
    metrics : DataFrame
        One row per post (:func:`kommunsocial.engagement.post_metrics`, with ``topic`` when a
        formula uses it).
    formulas : dict
        Model name → full formula, e.g. ``{"naive": "comments ~ C(tone, Treatment('formal'))"}``.
        Every formula must keep the tone term.
    exposure : str, optional
        Column used as exposure in every model (e.g. ``"followers"``); none by default.
    family : "negbin" or "poisson"
    planted : dict, optional
        The planted IRR per outcome (:func:`kommunsocial.sample.planted_tone_irr`), shown beside.

    Returns
    -------
    DataFrame indexed by model: ``outcome``, ``controls`` (the formula's other terms), ``irr``,
    ``ci_low``, ``ci_high``, ``p_value``, ``n`` (posts used) and ``planted`` when given.

    Notes
    -----
    Each outcome's models are :func:`kommunsocial.engagement.compare_models` (each one
    :func:`kommunsocial.engagement.fit`: NB2 with cluster-robust errors by page; Cameron & Trivedi
    2013). The IRR is exp(β) of ``tone: conversational`` against formal posts.

    >>> m = pd.DataFrame({"comments": [1, 3, 2, 6] * 10, "tone": ["formal", "conversational"] * 20,
    ...                   "page_id": "p"})
    >>> t = tone_irr(m, {"naive": "comments ~ C(tone, Treatment('formal'))"}, family="poisson")
    >>> round(float(t.loc["naive", "irr"]), 3)   # mean 4.5 / mean 1.5
    3.0
    """
    if not isinstance(formulas, dict) or not formulas:
        raise SeminarError("give the models as a dict: {\"naive\": \"comments ~ ...\", \"yours\": my_formula}")
    from ..engagement.models import TONE_TERM, ModelError, compare_models

    rows = []
    for name, formula in formulas.items():
        outcome, rhs = _check_formula(str(name), formula, metrics.columns)
        try:
            row = compare_models(metrics, outcome=outcome, term="tone: conversational", models={str(name): rhs},
                                 family=family, exposure=exposure).iloc[0]
        except ModelError as err:
            raise SeminarError(f"model {name!r} cannot be fitted on this dataset: {err}") from None
        controls = [t.strip() for t in rhs.replace('"', "'").replace(TONE_TERM, "").split("+") if t.strip()]
        rows.append({"model": str(name), "outcome": outcome, "controls": " + ".join(controls) or "(none)",
                     **{k: float(row[k]) for k in ("irr", "ci_low", "ci_high", "p_value")}, "n": int(row["n"]),
                     **({"planted": planted.get(outcome, np.nan)} if planted is not None else {})})
    return pd.DataFrame(rows).set_index("model")


def show_irr(models: pd.DataFrame):
    """A table of tone IRRs (:func:`tone_irr`, or :func:`kommunsocial.engagement.tone_effect`) as a
    reader wants it: human headers, the ratio with two decimals, its interval as "low to high".

    >>> t = pd.DataFrame({"outcome": ["comments"], "controls": ["(none)"], "irr": [0.996], "ci_low": [0.853],
    ...                   "ci_high": [1.162], "p_value": [0.955], "n": [3255], "planted": [1.6]},
    ...                  index=pd.Index(["naive"], name="model"))
    >>> show_irr(t).data.values.tolist()
    [['naive', 'comments', '(none)', '1.00', '0.85 to 1.16', '0.955', 3255, '1.6']]
    """
    table = models.reset_index() if models.index.name == "model" else models.reset_index(drop=True)
    out = pd.DataFrame(index=table.index)
    for col in ("model", "outcome", "controls"):
        if col in table:
            out[col] = table[col].astype(str)
    out["IRR (conversational vs formal)"] = table["irr"].map(lambda x: f"{x:.2f}")
    out["95 % interval"] = [f"{lo:.2f} to {hi:.2f}" for lo, hi in zip(table["ci_low"], table["ci_high"])]
    out["p-value"] = table["p_value"].map(lambda x: "< 0.001" if x < 0.001 else f"{x:.3f}")
    out["posts"] = table["n"].astype(int)
    if "planted" in table:
        out["planted"] = table["planted"].map(lambda x: "–" if pd.isna(x) else f"{x:g}")
    # texts left-aligned, numbers right-aligned
    return render.table(out, hide_index=True, wrap=[c for c in ("model", "outcome", "controls") if c in out])


def forest(models: pd.DataFrame, *, title: str = "Comments: conversational against formal posts"):
    """The tone IRR of each model of :func:`tone_irr` with its 95 % interval, the planted value marked."""
    from ..engagement import plots as eplots

    table = models.reset_index().rename(columns={"model": "term"})
    planted = None
    if "planted" in table and table["planted"].notna().any():
        planted = {t: float(v) for t, v in zip(table["term"], table["planted"]) if pd.notna(v)}
    return eplots.forest(table, title=title, planted=planted)


# -- exercise 3: two municipalities ---------------------------------------------------------------------
def _resolve_page(ds, key) -> str:
    pages = ds.pages
    key = str(key)
    for col in ("page_id", "municipality_code", "page_name", "handle"):
        hit = pages[pages[col].astype("string") == key]
        if len(hit):
            return str(hit["page_id"].iloc[0])
    raise SeminarError(f"no municipality {key!r} in this dataset; try one of: "
                       f"{', '.join(sorted(pages['page_name'].astype(str)))}")


def pick_pages(ds, a: str = "", b: str = "", *, metrics: pd.DataFrame | None = None) -> tuple[str, str]:
    """The page ids of two municipalities: those named (page name, code or id), or by default the page
    with the largest share of conversational posts (``a``) and the one with the smallest (``b``)."""
    if len(ds.pages) < 2:
        raise SeminarError("comparing municipalities needs a dataset with at least two pages "
                           "(leave the parameter municipality empty)")
    first = _resolve_page(ds, a) if a else None
    second = _resolve_page(ds, b) if b else None
    if first is None or second is None:
        if metrics is None:
            from ..engagement import post_metrics

            metrics = post_metrics(ds)
        share = (metrics.dropna(subset=["tone"]).assign(conv=lambda d: d["tone"] == "conversational")
                 .groupby("page_id")["conv"].mean().sort_index(kind="mergesort"))
        order = share.sort_values(ascending=False, kind="mergesort").index.astype(str).tolist()
        if first is None:
            first = next(p for p in order if p != second)
        if second is None:
            second = next(p for p in reversed(order) if p != first)
    if first == second:
        raise SeminarError("pick two different municipalities")
    return first, second


def page_table(ds, *, metrics: pd.DataFrame | None = None,
               responsiveness: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per municipality: how it writes, how much it is commented, whether it answers (one row per page).

    Parameters
    ----------
    ds : Dataset
    metrics : DataFrame, optional
        :func:`kommunsocial.engagement.post_metrics` of ``ds`` (computed when not given).
    responsiveness : DataFrame, optional
        :func:`kommunsocial.network.responsiveness` of ``ds`` (computed when not given).

    Returns
    -------
    DataFrame indexed by ``page_id`` with ``municipality`` (the page's name) and, in this order:
    posts, followers, conversational posts (%), mean formality (0-100), comments per post (all,
    formal and conversational posts), comments per post per 1,000 followers, threads started by
    citizens, threads answered by the page (%), median hours to the page's answer, citizen-to-citizen
    replies (%). Sorted by the share of conversational posts, largest first.

    Notes
    -----
    Built on :func:`kommunsocial.report.compare.municipality_table`: posts, followers, tone and
    responsiveness are its columns, and a page whose comments were never collected has unknown
    (not zero) threads and answers here as there (:func:`~kommunsocial.report.compare.comments_not_collected`).
    Comments per post are plain means, not model estimates: comparing pages mixes tone with
    everything else that differs between them (size, topics, who follows them). Answer rates and
    times follow :func:`kommunsocial.network.responsiveness`.

    >>> from kommunsocial.network._example import example_dataset
    >>> ds = example_dataset()        # one post, two citizens' threads, the page answers one
    >>> row = page_table(ds).iloc[0]
    >>> row["threads answered by the page (%)"], row["median hours to the page's answer"]
    (np.float64(50.0), np.float64(2.0))
    """
    from ..engagement import post_metrics
    from ..network import responsiveness as _responsiveness
    from .compare import comments_not_collected, municipality_table

    if metrics is None:
        metrics = post_metrics(ds)
    if responsiveness is None:
        responsiveness = _responsiveness(ds)
    table = municipality_table(ds, metrics=metrics, responsiveness=responsiveness)
    index = pd.Index(table.index.astype(str), name="page_id")
    m = metrics.assign(page_id=metrics["page_id"].astype(str), comments=metrics["comments"].astype("Float64"),
                       tone=metrics["tone"].astype("string"))
    m["formal_comments"] = m["comments"].where((m["tone"] == "formal").fillna(False))
    m["conversational_comments"] = m["comments"].where((m["tone"] == "conversational").fillna(False))
    g = m.groupby("page_id")
    t = table.set_axis(index)
    out = pd.DataFrame(index=index)
    out["municipality"] = t["page_name"].astype(str)
    out["posts"] = t["posts"].astype(int)
    out["followers"] = t["followers"].astype(float)
    out["conversational posts (%)"] = (100 * t["share_conversational"].astype(float)).round(1)
    out["mean formality (0-100)"] = t["mean_formality"].astype(float).round(1)
    out["comments per post"] = g["comments"].mean().reindex(index).astype(float).round(2)
    out["comments per formal post"] = g["formal_comments"].mean().reindex(index).astype(float).round(2)
    out["comments per conversational post"] = g["conversational_comments"].mean().reindex(index).astype(float).round(2)
    out["comments per post per 1,000 followers"] = g["comments_per_1000"].mean().reindex(index).astype(float).round(2)
    out["threads started by citizens"] = t["threads"].astype(float)
    out["threads answered by the page (%)"] = (100 * t["answer_rate"].astype(float)).round(1)
    out["median hours to the page's answer"] = t["median_hours_to_answer"].astype(float).round(1)
    # not a column of the municipality table: masked here by the same test
    reply_share = responsiveness["citizen_reply_share"].set_axis(responsiveness.index.astype(str)).reindex(index)
    out["citizen-to-citizen replies (%)"] = (100 * reply_share.astype(float).mask(
        comments_not_collected(t).to_numpy())).round(1)
    return out.sort_values(["conversational posts (%)", "municipality"], ascending=[False, True],
                           kind="mergesort", na_position="last")


def compare_municipalities(ds, a: str = "", b: str = "", *, metrics: pd.DataFrame | None = None,
                           responsiveness: pd.DataFrame | None = None) -> pd.DataFrame:
    """Two municipalities side by side: the rows of :func:`page_table` for both, as columns.

    Parameters
    ----------
    ds : Dataset
        A dataset with both pages.
    a, b : str
        Page name, municipality code or page id; "" picks the most conversational (``a``) and the
        most formal (``b``) page by share of conversational posts (:func:`pick_pages`).
    metrics, responsiveness : DataFrame, optional
        As in :func:`page_table`.

    Returns
    -------
    DataFrame, one row per measure and one column per municipality (its name);
    ``attrs["page_ids"]`` holds the two page ids.
    """
    if metrics is None:
        from ..engagement import post_metrics

        metrics = post_metrics(ds)
    first, second = pick_pages(ds, a, b, metrics=metrics)
    table = page_table(ds, metrics=metrics, responsiveness=responsiveness)
    out = table.loc[[first, second]].set_index("municipality").T
    out.index.name = "measure"
    out.columns.name = None
    out.attrs["page_ids"] = [first, second]
    return out

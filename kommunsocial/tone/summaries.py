"""Tables for the tone report: formality by group, what drives the index, example posts, coders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import calibration as _calibration
from . import reliability
from .index import MODEL_FEATURES, WEIGHTS, design_matrix
from . import features as _features

__all__ = ["scored_posts", "unscored", "not_scored", "by_group", "weights_table", "drivers", "examples", "coding_dir",
           "coded_posts", "agreement", "against_coders", "against_coders_note", "band_shares",
           "calibration_against_coders", "MIN_VALIDATION_POSTS"]


def scored_posts(ds, *, tone_method: str = "index", threshold: float = 50.0) -> pd.DataFrame:
    """The dataset's posts with ``formality``, ``tone``, ``page`` (name) and ``month`` (UTC) columns.

    ``tone_method`` and ``threshold`` are those of :func:`kommunsocial.tone.add_tone`.
    """
    from .tagging import add_tone

    posts = add_tone(ds.posts, tone_method=tone_method, threshold=threshold, cache=getattr(ds, "cache_dir", None))
    names = ds.pages.set_index("page_id")["page_name"]
    posts["page"] = posts["page_id"].map(names).fillna(posts["page_id"]).astype(str)
    posts["month"] = posts["created_at"].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    return posts


def unscored(posts: pd.DataFrame) -> pd.DataFrame:
    """The posts tone did not score, counted by language and reason (``lang``, ``reason``, ``posts``).

    Reasons: "no text" (no words: no message column, link-only posts) and "no tone resources for
    the language" (Finnish, ``other``: the index scores sv, nb, nn, da and en). Nothing is dropped
    from the tone tables without being counted here.

    >>> p = pd.DataFrame({"lang": ["sv", "other", "other", "fi", "sv"], "text": ["Hej alla", "Olá a todos", "Hola",
    ...                   "Hei kaikki", ""], "formality": [40.0, None, None, None, None]})
    >>> unscored(p).values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['other', 'no tone resources for the language', 2], ['fi', 'no tone resources for the language', 1],
     ['sv', 'no text', 1]]
    """
    missing = posts["formality"].isna().to_numpy()
    lang, reason = _unscored_reasons(posts[missing])
    out = pd.DataFrame({"lang": lang, "reason": reason})
    out = out.groupby(["lang", "reason"], sort=False).size().rename("posts").reset_index()
    return out.sort_values(["posts", "lang"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def _unscored_reasons(posts: pd.DataFrame):
    """Each post's language and why it would not be scored ("no text", or no resources for its language)."""
    from .tagging import has_text

    lang = (posts["lang"].astype("string").fillna("und") if "lang" in posts else
            pd.Series("und", index=posts.index, dtype="string"))
    texted = has_text(posts["text"]).to_numpy() if "text" in posts else np.zeros(len(posts), dtype=bool)
    no_resources = texted & ~lang.isin(_features.resources.LANGS).to_numpy() & (lang != "und").to_numpy()
    return lang.to_numpy(dtype=object), np.where(no_resources, "no tone resources for the language", "no text")


def not_scored(posts: pd.DataFrame) -> str:
    """Sentences on the posts tone did not score: those without words (content-free: no message
    column, or only links, hashtags, mentions or emoji; :func:`kommunsocial.tone.text.has_words`), per
    page when some pages have any, and those in languages the index has no resources for (Finnish,
    other), per language; "" when every post was scored.

    >>> p = pd.DataFrame({"page": ["A", "A", "B"], "formality": [80.0, None, None]})
    >>> not_scored(p)
    '2 of 3 posts have no text (the export has no message, or only links, hashtags, mentions or emoji) and are not scored: they count as neither formal nor conversational and are left out of the tables below (A: 1, B: 1).'
    >>> not_scored(p.iloc[:2])
    '1 of 2 posts has no text (the export has no message, or only links, hashtags, mentions or emoji) and is not scored: it counts as neither formal nor conversational and is left out of the tables below (A: 1).'
    >>> p = pd.DataFrame({"page": ["A", "A", "B"], "formality": [80.0, None, None], "lang": ["sv", "other", "fi"],
    ...                   "text": ["Hej på er", "Olá a todos", "Hei kaikki"]})
    >>> not_scored(p)
    '1 post in Finnish and 1 in other languages were not scored: the index has resources for sv, nb, nn, da and en.'
    """
    from ..language import not_scored_sentence

    missing = posts["formality"].isna()
    if not missing.any():
        return ""
    counts = unscored(posts)
    by_language = counts[counts["reason"] != "no text"]
    languages = not_scored_sentence(dict(zip(by_language["lang"], by_language["posts"])), _features.resources.LANGS)
    # the reasons of the posts without a score only: reading every text for words is the slow part
    missing[missing] = _unscored_reasons(posts[missing])[1] == "no text"
    if not missing.any():
        return languages
    per_page = posts.loc[missing, "page"].value_counts().sort_index()
    pages = ", ".join(f"{page}: {n}" for page, n in per_page.items())
    one = int(missing.sum()) == 1
    no_text = (f"{int(missing.sum()):,} of {len(posts):,} posts {'has' if one else 'have'} no text (the export has no "
               f"message, or only links, hashtags, mentions or emoji) and {'is' if one else 'are'} not scored: "
               f"{'it counts' if one else 'they count'} as neither formal nor conversational and "
               f"{'is' if one else 'are'} left out of the tables below ({pages}).")
    return " ".join(x for x in (no_text, languages) if x)


def by_group(posts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per group: posts, mean and median formality, and the share (%) of conversational posts.

    >>> p = pd.DataFrame({"page": ["A", "A", "B"], "formality": [80.0, 20.0, 10.0],
    ...                   "tone": ["formal", "conversational", "conversational"]})
    >>> by_group(p, "page").to_dict("index")["A"]
    {'posts': 2, 'mean_formality': 50.0, 'median_formality': 50.0, 'conversational_%': 50.0}
    """
    data = posts.dropna(subset=["formality"])
    g = data.groupby(by, observed=True)
    out = pd.DataFrame({
        "posts": g.size(),
        "mean_formality": g["formality"].mean().round(1),
        "median_formality": g["formality"].median().round(1),
        "conversational_%": (g["tone"].apply(lambda t: (t == "conversational").mean()) * 100).round(1),
    })
    out["posts"] = out["posts"].astype(int)
    return out


def weights_table() -> pd.DataFrame:
    """The index's published weights with what each input measures, strongest first."""
    w = pd.Series(WEIGHTS)[list(MODEL_FEATURES)]
    out = pd.DataFrame({"weight": w.round(3), "pushes towards": np.where(w > 0, "formal", "conversational"),
                        "input": pd.Series(MODEL_FEATURES)})
    out = out.reindex(w.abs().sort_values(ascending=False).index)
    out.index.name = "feature"
    return out


#: :func:`drivers` averages over at most this many posts per language (a seeded random sample):
#: the standard error of a mean contribution is then below 0.01 log-odds, at a fraction of the
#: time that extracting the features of a country's 600,000 posts takes.
DRIVERS_SAMPLE = 20_000


def drivers(posts: pd.DataFrame, *, max_posts: int | None = DRIVERS_SAMPLE, seed: int = 0) -> pd.DataFrame:
    """Mean contribution (log-odds) of each feature to the index in these posts, by language.

    Positive: on average the feature made posts look more formal than the language's reference
    (the development set's mean); negative: more conversational. A language with more than
    ``max_posts`` posts is averaged over a random sample of that many (seeded by ``seed``);
    ``None`` uses every post.
    """
    data = posts[posts["lang"].isin(_features.resources.LANGS)] if "lang" in posts else posts
    data = data.dropna(subset=["formality"]) if "formality" in data else data
    if not len(data):
        return pd.DataFrame(columns=list(MODEL_FEATURES))
    if max_posts is not None and "lang" in data:
        data = pd.concat([g if len(g) <= max_posts else g.sample(n=max_posts, random_state=seed)
                          for _, g in data.groupby(data["lang"].astype(str), sort=True)])
    langs = data["lang"].astype(str).to_numpy()
    feats = _features.features(data["text"], lang=langs)
    contrib = design_matrix(feats, langs) * pd.Series(WEIGHTS)[list(MODEL_FEATURES)]
    table = contrib.groupby(langs).mean().T.round(2)
    table.index.name = "feature"
    table.columns.name = "lang"
    return table.reindex(table.abs().max(axis=1).sort_values(ascending=False).index)


def _n_words(text: pd.Series) -> np.ndarray:
    """Words per text as ``text.str.split().str.len()`` counts them (a missing text has none).

    For text held by pyarrow, pandas splits with pyarrow's ``utf8_split_whitespace``; called here
    directly, without building 600,000 lists of words, it gives the same counts.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arrow = isinstance(text.dtype, pd.ArrowDtype) or getattr(text.dtype, "storage", None) == "pyarrow"
    except ImportError:  # pragma: no cover - pyarrow comes with the project
        arrow = False
    if arrow:
        counts = pc.list_value_length(pc.utf8_split_whitespace(pa.array(text.array)))
        return counts.to_numpy(zero_copy_only=False).astype(float)
    return np.array([len(t.split()) if isinstance(t, str) else np.nan for t in text.tolist()], dtype=float)


def examples(posts: pd.DataFrame, *, n: int = 3, max_chars: int = 280) -> pd.DataFrame:
    """``n`` posts from the formal end, the middle and the conversational end of the index.

    Posts with fewer than five words are left out (their score says little). Texts are shown as
    they are stored: already pseudonymised and masked.
    """
    data = posts[[c for c in ("post_id", "formality", "text", "page", "page_id") if c in posts]]  # the ones shown
    data = data.dropna(subset=["formality"])
    data = data[_n_words(data["text"]) >= 5].sort_values(["formality", "post_id"], kind="mergesort")
    if not len(data):
        return pd.DataFrame(columns=["where", "page", "formality", "text"])
    mid = len(data) // 2
    parts = [("most formal", data.iloc[::-1].head(n)),
             ("middle", data.iloc[max(0, mid - n // 2): mid - n // 2 + n]),
             ("most conversational", data.head(n))]
    rows = []
    for where, frame in parts:
        for _, r in frame.iterrows():
            text = str(r["text"]).replace("\n", " ")
            rows.append({"where": where, "page": r.get("page", r.get("page_id")), "formality": round(r["formality"], 1),
                         "text": text if len(text) <= max_chars else text[: max_chars - 1] + "…"})
    return pd.DataFrame(rows)


def coding_dir(dataset: str, coding_dir: str = "") -> Path:
    """Where the coders' sheets are: ``coding_dir`` if given, else ``data/raw/<dataset>/coding``."""
    from .. import config

    return Path(coding_dir) if coding_dir else config.raw_dir(dataset) / "coding"


def coded_posts(coded: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """The coders' rows (:func:`coding.read_coding_dir`) about posts in ``posts``, compared as text ids."""
    if not len(coded):
        return coded
    ids = pd.Index(posts["post_id"].dropna().astype(str).unique())
    return coded[coded["post_id"].isin(ids)]


def agreement(coded: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Reliability of tone (nominal) and formality (ordinal) side by side, with bootstrap 95 % CIs."""
    if not len(coded):
        return pd.DataFrame()
    tone = reliability.reliability(coded, level="nominal", n_boot=n_boot, seed=seed).assign(variable="tone (nominal)")
    form = reliability.reliability(coded, level="ordinal", n_boot=n_boot, seed=seed).assign(
        variable="formality 1–5 (ordinal)")
    out = pd.concat([tone, form]).reset_index().set_index(["variable", "measure"])
    return out.round(3)


def against_coders(posts: pd.DataFrame, coded: pd.DataFrame) -> dict:
    """:func:`reliability.validate` of the posts' ``tone`` against the coders' majority code, by language,
    plus the Spearman correlation of ``formality`` with the coders' mean 1–5 rating."""
    if not len(coded):
        return {"scores": pd.DataFrame(), "confusion": pd.DataFrame(), "spearman": np.nan, "n": 0}
    by_id = posts.assign(post_id=posts["post_id"].astype(str)).set_index("post_id")
    result = reliability.validate(by_id["tone"], coded, lang=by_id["lang"] if "lang" in by_id else None)
    rating = coded.dropna(subset=["formality"]).groupby("post_id")["formality"].mean().astype(float)
    both = pd.DataFrame({"index": by_id["formality"].reindex(rating.index), "rating": rating}).dropna()
    result["spearman"] = round(float(both["index"].corr(both["rating"], method="spearman")), 3) if len(both) > 2 \
        else np.nan
    result["n"] = int(len(both))
    return result


#: Below this many coded posts, a language's row of :func:`against_coders` is one or two posts'
#: luck: :func:`against_coders_note` says so.
MIN_VALIDATION_POSTS = 20


def against_coders_note(validation: dict, *, min_posts: int = MIN_VALIDATION_POSTS) -> str:
    """Sentences a reader needs beside :func:`against_coders`' scores: which rows rest on fewer
    than ``min_posts`` coded posts, and what a perfect accuracy means; "" when neither applies.

    >>> scores = pd.DataFrame({"n": [40, 1], "accuracy": [0.9, 1.0]}, index=pd.Index(["all", "da"], name="lang"))
    >>> print(against_coders_note({"scores": scores}))
    The row of da rests on fewer than 20 coded posts (da: 1): its scores, an accuracy of 1.000 among them, are a few posts' luck, not a measure.
    """
    scores = validation.get("scores")
    if scores is None or not len(scores):
        return ""
    parts = []
    few = scores[(scores["n"] < min_posts) & (scores.index != "all")]
    if len(few):
        names = ", ".join(map(str, few.index))
        counts = ", ".join(f"{k}: {int(n):,}" for k, n in few["n"].items())
        perfect = " an accuracy of 1.000 among them," if (few["accuracy"] == 1).any() else ""
        one = len(few) == 1
        parts.append(f"The {'row' if one else 'rows'} of {names} {'rests' if one else 'rest'} on fewer than {min_posts} "
                     f"coded posts ({counts}): {'its' if one else 'their'} scores,{perfect} are a few posts' luck, "
                     f"not a measure.")
    if "all" in scores.index and scores.loc["all", "accuracy"] == 1:
        parts.append(f"The index agrees with the coders on all {int(scores.loc['all', 'n']):,} coded posts. Agreement "
                     f"that perfect is rare between people; check that the coders coded blind (without the index's "
                     f"score) and that the posts are not generated ones whose tone was planted with the very features "
                     f"the index reads (as in the bundled synthetic sample).")
    return " ".join(parts)


def band_shares(posts: pd.DataFrame, *, mixed=_calibration.DEFAULT_MIXED, by: str = "page") -> pd.DataFrame:
    """Per group: scored posts and the % conversational, mixed and formal with the ``mixed`` band.

    The band (:func:`kommunsocial.tone.calibration.bands`) is where people are unsure whether a post
    is formal; a page with many posts in it writes in between, which a two-way split hides.

    >>> p = pd.DataFrame({"page": ["A", "A", "A", "B"], "formality": [10.0, 50.0, 90.0, None]})
    >>> row = band_shares(p, mixed=(35, 65)).loc["A"]
    >>> int(row["posts"]), row[["% conversational", "% mixed", "% formal"]].tolist()
    (3, [33.3, 33.3, 33.3])
    """
    data = posts.dropna(subset=["formality"])
    band = _calibration.bands(data["formality"], mixed=mixed)
    table = pd.crosstab(data[by], band, normalize="index").reindex(columns=list(_calibration.BAND_LABELS),
                                                                    fill_value=0.0) * 100
    table.columns = [f"% {c}" for c in table.columns]
    table = table.round(1)
    table.insert(0, "posts", data.groupby(by).size().reindex(table.index).astype(int))
    table.columns.name = None
    return table


def calibration_against_coders(posts: pd.DataFrame, coded: pd.DataFrame, *,
                               edges=(0, 20, 35, 50, 65, 80, 100)) -> pd.DataFrame:
    """:func:`kommunsocial.tone.calibration.calibration` of the posts' ``formality`` against the coders'
    majority tone (posts they tie on are left out); empty without coded posts."""
    if not len(coded):
        return pd.DataFrame()
    gold = reliability.gold_labels(coded)
    by_id = posts.assign(post_id=posts["post_id"].astype(str)).set_index("post_id")["formality"]
    return _calibration.calibration(by_id.reindex(gold.index), gold, edges=edges)


def calibration_note(posts: pd.DataFrame, coded: pd.DataFrame, *, mixed=_calibration.DEFAULT_MIXED) -> str:
    """One sentence on the mixed band these coders imply (:func:`~kommunsocial.tone.calibration.fit_calibration`),
    beside the band in use; or why it cannot be said."""
    used = f"The mixed band in use is {mixed[0]:g}–{mixed[1]:g}."
    if not len(coded):
        return used + " No coded posts: the coders' own band cannot be estimated."
    gold = reliability.gold_labels(coded)
    by_id = posts.assign(post_id=posts["post_id"].astype(str)).set_index("post_id")["formality"]
    try:
        fit = _calibration.fit_calibration(by_id.reindex(gold.index), gold)
        lo, hi = _calibration.mixed_band(fit)
    except ValueError as exc:
        return f"{used} The coders' own band cannot be estimated: {exc}."
    return (f"{used} On these {fit['n']} coded posts, a third to two thirds were coded formal between index {lo:g} "
            f"and {hi:g} "
            f"(calibration slope {fit['b']:.2f}; 1 is an index exactly as sure as the coders).")

"""Tone columns for the engagement analysis: the index or a classifier, computed on the fly."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..language import normalise_languages
from . import resources
from .index import DEFAULT_THRESHOLD, UND, score
from .text import has_words

__all__ = ["add_tone", "check_tone_method", "has_text", "TONE_METHODS"]

def has_text(texts: pd.Series) -> pd.Series:
    """Whether each text has words to score: :func:`kommunsocial.tone.text.has_words`, as a Series.

    Exports without a message column, link-only posts and posts of only hashtags, mentions, emoji
    or numbers have none (content-free); scoring them would give a made-up value, so they get no
    score.

    >>> has_text(pd.Series(["Hej!", "", "https://example.org/a", None, "🙂", "#snö @kommunen", "kommun.se/kf"])).tolist()
    [True, False, False, False, False, False, False]
    """
    texts = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    values = texts.astype("string").fillna("").tolist()
    return pd.Series(has_words(values), index=texts.index, dtype=bool)

#: How posts get a tone; the keyword ``tone_method`` takes one of these in every function and notebook.
TONE_METHODS = ("index", "classifier")


def check_tone_method(tone_method, *, optional: bool = False):
    """``tone_method`` when it is one of :data:`TONE_METHODS` (or None, when ``optional``), else a ValueError.

    >>> check_tone_method("vibes")
    Traceback (most recent call last):
    ...
    ValueError: tone_method='vibes': choose 'index' or 'classifier'
    """
    allowed = TONE_METHODS + ((None,) if optional else ())
    if tone_method not in allowed:
        raise ValueError(f"tone_method={tone_method!r}: choose " + " or ".join(map(repr, allowed)))
    return tone_method


def add_tone(posts: pd.DataFrame, *, tone_method: str = "index", threshold: float = DEFAULT_THRESHOLD,
             classifier=None, cache=None) -> pd.DataFrame:
    """``posts`` with ``formality`` (0–100) and ``tone`` ("formal" / "conversational") columns added.

    Parameters
    ----------
    posts : DataFrame
        A posts table with ``text`` (and ``lang``, the detected language, when present: texts in
        ``und`` or a language without resources are scored as explained in :func:`score`, by
        either method; posts in Finnish or ``other`` get no score, and
        :func:`kommunsocial.tone.summaries.unscored` counts them).
    tone_method : "index" or "classifier"
        ``"index"``: the formality index (:func:`kommunsocial.tone.score`). ``"classifier"``:
        ``classifier`` (a fitted :class:`ToneClassifier`; default: :meth:`ToneClassifier.default`),
        with ``formality`` = 100 × P(formal).
    threshold : float
        ``tone`` is "formal" when ``formality >= threshold``.
    cache : folder, optional
        Keep the index's scores here, per text, and reuse them when the same text in the same
        language is scored again by the same code and word lists (:mod:`kommunsocial.tone._cache`):
        the reports of one dataset, on one municipality or on all of them, score each post once.
        A dataset read from disk has its cache in ``<folder>/_cache`` (``dataset.source``).

    Returns
    -------
    A copy of ``posts`` with the two columns (replaced if present); a post without words
    (:func:`has_text`) has neither. Tone is not stored in the
    processed data: it is computed when an analysis needs it, so a new lexicon or model applies
    everywhere at once.

    >>> posts = pd.DataFrame({"post_id": ["1", "2"], "lang": ["sv", "sv"],
    ...                       "text": ["Ansökan ska inkomma i enlighet med gällande regler.", "Hej! Kul att ni kom 😊"]})
    >>> add_tone(posts)[["post_id", "tone"]].values.tolist()
    [['1', 'formal'], ['2', 'conversational']]
    """
    if not isinstance(posts, pd.DataFrame) or "text" not in posts.columns:
        raise ValueError("add_tone needs a posts DataFrame with a 'text' column")
    if not 0 <= threshold <= 100:
        raise ValueError(f"threshold must lie between 0 and 100, not {threshold!r}")
    out = posts.copy()
    texts = out["text"].astype("string").fillna("")
    lang = None
    if "lang" in out.columns:  # codes as any export writes them (SV, nob, no) read as the data model's
        lang = normalise_languages(out["lang"], what="posts' lang").astype(str).to_numpy()
    check_tone_method(tone_method)
    if tone_method == "index":
        formality = pd.Series(_index_formality(texts, lang, cache), index=out.index)
    else:
        from .classifier import ToneClassifier

        model = classifier if classifier is not None else ToneClassifier.default()
        # without a lang column the classifier detects each post's language; a post in und is read in
        # all five languages, pooled (never in its neighbours' language)
        frame = pd.DataFrame({"text": texts.astype(str)}, index=out.index)
        if lang is not None:
            frame["lang"] = lang
        classes = list(model.classes_)
        if "formal" not in classes:
            raise ValueError(f"the classifier's classes are {classes}; 'formal' is needed")
        proba = model.predict_proba(frame)[:, classes.index("formal")]
        formality = pd.Series(100.0 * proba, index=out.index)
        if lang is not None:  # as the index: a language without resources (fi) gets no score
            formality = formality.where(pd.Series(lang, index=out.index).isin((*resources.LANGS, UND)))
    # a post without words is not scored: no formality, no tone (neither formal nor conversational)
    out["formality"] = formality.astype(float).where(has_text(texts)).to_numpy()
    tone = pd.Series(pd.NA, index=out.index, dtype="string")
    ok = out["formality"].notna()
    tone[ok] = (out.loc[ok, "formality"] >= threshold).map({True: "formal", False: "conversational"})
    out["tone"] = tone
    return out


def _index_formality(texts: pd.Series, lang, cache) -> np.ndarray:
    """The index's formality of each text, read from ``cache`` for the texts scored there before
    (by any report of the dataset: :mod:`kommunsocial.tone._cache` keeps the scores per text)."""
    if cache is None:
        return score(texts, lang=lang)["formality"].to_numpy(dtype=float)
    from ._cache import cached_scores

    return cached_scores(texts, lang, cache, _code_fingerprint(),
                         lambda t, lg: score(t, lang=lg)["formality"].to_numpy(dtype=float))


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of the index's code and word lists: a changed lexicon or weight invalidates the cache."""
    from .._version import __version__

    here = Path(__file__).resolve().parent
    # pandas' version too: its hash function makes the cache's keys
    digest = hashlib.sha256(__version__.encode() + pd.__version__.encode())
    scoring = [here / "index.py", here / "features.py", here / "resources.py", here / "text.py"]  # the scores' code
    for path in sorted([*scoring, *(here.parent / "data" / "tone").rglob("*")]):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()

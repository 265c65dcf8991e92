"""Tone columns for the engagement analysis: the index or a classifier, computed on the fly."""

from __future__ import annotations

import pandas as pd

from . import resources
from .index import DEFAULT_THRESHOLD, score

__all__ = ["add_tone"]


def add_tone(posts: pd.DataFrame, *, method: str = "index", threshold: float = DEFAULT_THRESHOLD,
             classifier=None) -> pd.DataFrame:
    """``posts`` with ``formality`` (0–100) and ``tone`` ("formal" / "conversational") columns added.

    Parameters
    ----------
    posts : DataFrame
        A posts table with ``text`` (and ``lang``, the detected language, when present: texts in
        ``und`` or a language without resources are scored as explained in :func:`score`).
    method : "index" or "classifier"
        ``"index"``: the formality index (:func:`kommunsocial.tone.score`). ``"classifier"``:
        ``classifier`` (a fitted :class:`ToneClassifier`; default: :meth:`ToneClassifier.default`),
        with ``formality`` = 100 × P(formal).
    threshold : float
        ``tone`` is "formal" when ``formality >= threshold``.

    Returns
    -------
    A copy of ``posts`` with the two columns (replaced if present). Tone is not stored in the
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
    if "lang" in out.columns:
        lang = out["lang"].astype("string").fillna("und").astype(str).to_numpy()
    if method == "index":
        scored = score(texts, lang=lang, threshold=threshold)
        formality = scored["formality"]
    elif method == "classifier":
        from .classifier import ToneClassifier

        model = classifier if classifier is not None else ToneClassifier.default()
        langs = pd.Series(lang if lang is not None else [None] * len(out), index=out.index, dtype=object)
        known = langs[langs.isin(resources.LANGS)]
        majority = known.value_counts().idxmax() if len(known) else "sv"
        langs = langs.where(langs.isin(resources.LANGS), majority)
        frame = pd.DataFrame({"text": texts.astype(str), "lang": langs}, index=out.index)
        classes = list(model.classes_)
        if "formal" not in classes:
            raise ValueError(f"the classifier's classes are {classes}; 'formal' is needed")
        proba = model.predict_proba(frame)[:, classes.index("formal")]
        formality = pd.Series(100.0 * proba, index=out.index)
    else:
        raise ValueError(f"method={method!r}: choose 'index' or 'classifier'")
    out["formality"] = formality.astype(float).to_numpy()
    tone = pd.Series(pd.NA, index=out.index, dtype="string")
    ok = out["formality"].notna()
    tone[ok] = (out.loc[ok, "formality"] >= threshold).map({True: "formal", False: "conversational"})
    out["tone"] = tone
    return out

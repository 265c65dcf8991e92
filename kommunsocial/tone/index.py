"""The transparent formality index: interpretable features combined by fixed, published weights.

>>> out = score(["Vederbörande anmodas att inkomma med erforderliga handlingar.",
...              "Hej hej! Vi ses på lördag, kom och fika med oss 😊"], lang="sv")
>>> out[["tone", "lang"]].values.tolist()
[['formal', 'sv'], ['conversational', 'sv']]
>>> bool(out["formality"].iloc[0] > 90 > 10 > out["formality"].iloc[1])
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import features as _features
from . import resources

__all__ = ["score", "explain", "design_matrix", "MODEL_FEATURES", "WEIGHTS", "INTERCEPT", "CENTER", "SCALE",
           "FALLBACK_LANG", "DEFAULT_THRESHOLD"]

DEFAULT_THRESHOLD = 50.0
#: Language used for a text detected as ``und`` (too short to tell) when the other texts of the
#: same call give no majority language: see :func:`score`.
FALLBACK_LANG = "sv"

#: The model's inputs: each is a transform of a feature column, chosen to be robust on short posts.
#: Rates are shrunk towards 0 for short texts (hits per 100 words with 10 pseudo-words added),
#: then log-transformed; counts are log(1 + count).
MODEL_FEATURES = {
    "officialese": "log(1 + 100 × officialese hits / (words + 10))",
    "nominal": "log(1 + 100 × nominalisations / (words + 10))",
    "s_passive": "log(1 + 100 × passive forms / (words + 10))",
    "long_words": "share of long words (0–1); a text without words gets the language mean",
    "lix": "LIX, capped at 80; a text without words gets the language mean",
    "address": "log(1 + 100 × second-person forms / (words + 10))",
    "we": "log(1 + 100 × first-person-plural forms / (words + 10))",
    "questions": "log(1 + questions)",
    "exclamations": "log(1 + exclamations)",
    "emoji": "log(1 + emoji)",
    "greetings": "log(1 + greetings)",
    "signoffs": "log(1 + sign-offs)",
    "interjections": "log(1 + interjections)",
    "colloquial": "log(1 + colloquial spellings)",
}

# BEGIN FITTED WEIGHTS (written by `python -m kommunsocial.tone.fit_weights --write`; do not edit by hand)
#: Weights on the standardised inputs (log-odds of 'formal' per standard deviation).
WEIGHTS: dict = {
    'officialese': 0.425496,
    'nominal': 0.819088,
    's_passive': 1.092932,
    'long_words': 1.101268,
    'lix': -0.010518,
    'address': -0.71264,
    'we': -0.892633,
    'questions': -0.700622,
    'exclamations': -1.60502,
    'emoji': -1.819816,
    'greetings': -0.549914,
    'signoffs': -0.632708,
    'interjections': -0.165915,
    'colloquial': -0.174011,
}
INTERCEPT: float = -1.318992
#: Per-language mean and standard deviation of each input on the train split.
CENTER: dict = {
    'da': {
        'officialese': 0.646676,
        'nominal': 0.998054,
        's_passive': 0.446147,
        'long_words': 0.309727,
        'lix': 41.182968,
        'address': 0.600013,
        'we': 0.574114,
        'questions': 0.079093,
        'exclamations': 0.29504,
        'emoji': 0.47674,
        'greetings': 0.046086,
        'signoffs': 0.052315,
        'interjections': 0.041259,
        'colloquial': 0.026157,
    },
    'en': {
        'officialese': 0.455226,
        'nominal': 0.973951,
        's_passive': 0.574845,
        'long_words': 0.271568,
        'lix': 39.793115,
        'address': 0.611089,
        'we': 0.546429,
        'questions': 0.095596,
        'exclamations': 0.270285,
        'emoji': 0.47674,
        'greetings': 0.041259,
        'signoffs': 0.053717,
        'interjections': 0.045317,
        'colloquial': 0.065394,
    },
    'nb': {
        'officialese': 0.708968,
        'nominal': 1.067694,
        's_passive': 0.619898,
        'long_words': 0.315372,
        'lix': 42.41065,
        'address': 0.527093,
        'we': 0.624465,
        'questions': 0.081017,
        'exclamations': 0.366195,
        'emoji': 0.535878,
        'greetings': 0.036008,
        'signoffs': 0.074236,
        'interjections': 0.050275,
        'colloquial': 0.018004,
    },
    'nn': {
        'officialese': 0.609365,
        'nominal': 1.034302,
        's_passive': 0.546769,
        'long_words': 0.284258,
        'lix': 39.660947,
        'address': 0.541247,
        'we': 0.654597,
        'questions': 0.081017,
        'exclamations': 0.366195,
        'emoji': 0.535878,
        'greetings': 0.036008,
        'signoffs': 0.071338,
        'interjections': 0.050275,
        'colloquial': 0.018004,
    },
    'sv': {
        'officialese': 0.608199,
        'nominal': 0.71322,
        's_passive': 0.824474,
        'long_words': 0.319694,
        'lix': 41.825572,
        'address': 0.573177,
        'we': 0.631551,
        'questions': 0.070841,
        'exclamations': 0.291616,
        'emoji': 0.447158,
        'greetings': 0.054337,
        'signoffs': 0.033641,
        'interjections': 0.041259,
        'colloquial': 0.070073,
    },
}
SCALE: dict = {
    'da': {
        'officialese': 0.929296,
        'nominal': 0.992864,
        's_passive': 0.743495,
        'long_words': 0.16607,
        'lix': 16.25773,
        'address': 0.835045,
        'we': 0.774844,
        'questions': 0.2321,
        'exclamations': 0.365194,
        'emoji': 0.465867,
        'greetings': 0.168617,
        'signoffs': 0.186178,
        'interjections': 0.164,
        'colloquial': 0.121118,
    },
    'en': {
        'officialese': 0.750294,
        'nominal': 1.017712,
        's_passive': 0.778603,
        'long_words': 0.136571,
        'lix': 13.687295,
        'address': 0.832591,
        'we': 0.771228,
        'questions': 0.249853,
        'exclamations': 0.360835,
        'emoji': 0.465867,
        'greetings': 0.164,
        'signoffs': 0.180854,
        'interjections': 0.170337,
        'colloquial': 0.217925,
    },
    'nb': {
        'officialese': 0.989127,
        'nominal': 0.923196,
        's_passive': 0.779133,
        'long_words': 0.164785,
        'lix': 14.974337,
        'address': 0.792122,
        'we': 0.782425,
        'questions': 0.222695,
        'exclamations': 0.407442,
        'emoji': 0.488186,
        'greetings': 0.153825,
        'signoffs': 0.202551,
        'interjections': 0.195207,
        'colloquial': 0.11025,
    },
    'nn': {
        'officialese': 0.863273,
        'nominal': 0.921102,
        's_passive': 0.724794,
        'long_words': 0.143094,
        'lix': 12.939319,
        'address': 0.777538,
        'we': 0.765243,
        'questions': 0.222695,
        'exclamations': 0.407442,
        'emoji': 0.488186,
        'greetings': 0.153825,
        'signoffs': 0.191793,
        'interjections': 0.195207,
        'colloquial': 0.11025,
    },
    'sv': {
        'officialese': 0.922201,
        'nominal': 0.844462,
        's_passive': 0.847842,
        'long_words': 0.185462,
        'lix': 17.393391,
        'address': 0.794418,
        'we': 0.812099,
        'questions': 0.222234,
        'exclamations': 0.371893,
        'emoji': 0.467499,
        'greetings': 0.182545,
        'signoffs': 0.143019,
        'interjections': 0.195794,
        'colloquial': 0.238119,
    },
}
#: What the weights were fitted on and how to refit them.
FIT_INFO: dict = {
    'data': "kommunsocial/data/tone/devset_{sv,nb,nn,da,en}.csv, split == 'train'",
    'n_train': 406,
    'n_by_lang': {'da': 84, 'en': 84, 'nb': 77, 'nn': 77, 'sv': 84},
    'train_sha256': '8651bf727543d5a7',
    'model': 'sklearn LogisticRegression(C=1.0, L2), inputs standardised per language',
    'script': 'python -m kommunsocial.tone.fit_weights --write',
}
# END FITTED WEIGHTS

_SHRINK = 10.0


def _raw_design(feats: pd.DataFrame) -> pd.DataFrame:
    """The model inputs before standardisation (NaN where a text has no words and the input is a share)."""
    words = feats["n_words"].to_numpy(float)

    def rate(col):
        return np.log1p(100.0 * feats[col].to_numpy(float) / (words + _SHRINK))

    return pd.DataFrame({
        "officialese": rate("_officialese_n"),
        "nominal": rate("_nominal_n"),
        "s_passive": rate("_s_passive_n"),
        "long_words": feats["long_words"].to_numpy(float) / 100.0,
        "lix": np.minimum(feats["lix"].to_numpy(float), 80.0),
        "address": rate("_address_n"),
        "we": rate("_we_n"),
        "questions": np.log1p(feats["questions"].to_numpy(float)),
        "exclamations": np.log1p(feats["exclamations"].to_numpy(float)),
        "emoji": np.log1p(feats["emoji"].to_numpy(float)),
        "greetings": np.log1p(feats["greetings"].to_numpy(float)),
        "signoffs": np.log1p(feats["signoffs"].to_numpy(float)),
        "interjections": np.log1p(feats["interjections"].to_numpy(float)),
        "colloquial": np.log1p(feats["colloquial"].to_numpy(float)),
    }, index=feats.index)


def design_matrix(feats: pd.DataFrame, langs, *, center: dict | None = None, scale: dict | None = None):
    """Standardised model inputs: each column centred and scaled with its language's constants.

    ``center`` / ``scale`` map language → {input: value}; by default the published :data:`CENTER`
    and :data:`SCALE`. Missing values (a share for a text without words) become 0, the language mean.
    """
    center = CENTER if center is None else center
    scale = SCALE if scale is None else scale
    raw = _raw_design(feats)
    langs = pd.Series(np.asarray(langs, dtype=object), index=feats.index)
    out = pd.DataFrame(0.0, index=feats.index, columns=list(MODEL_FEATURES))
    for code in pd.unique(langs):
        mask = (langs == code).to_numpy()
        mu = pd.Series(center[code])[list(MODEL_FEATURES)]
        sd = pd.Series(scale[code])[list(MODEL_FEATURES)]
        out.loc[mask] = ((raw.loc[mask] - mu) / sd).fillna(0.0).to_numpy()
    return out


def _resolve_langs(s: pd.Series, lang) -> pd.Series:
    """One language per text: given (normalised: ``SV``, ``swe``, ``no`` → sv, sv, nb), or detected;
    ``und`` takes the batch majority (else FALLBACK_LANG). A value that is no language code raises
    :class:`kommunsocial.language.LanguageCodeError`."""
    from .. import language

    if lang is None:
        langs = language.detect_language(s).astype(object)
    elif isinstance(lang, str):
        langs = pd.Series(language.normalise_language(lang), index=s.index, dtype=object)
    else:
        langs = pd.Series(list(lang), index=s.index, dtype=object)
        if len(langs) != len(s):
            raise ValueError(f"lang has {len(langs)} values for {len(s)} texts")
        langs = language.normalise_languages(langs).astype(object)
    return langs.astype(str)


def score(texts, *, lang=None, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The formality index of each text: 0 (conversational) to 100 (formal), with its features.

    Parameters
    ----------
    texts : Series or sequence of str
        Post texts. The result has the same index.
    lang : str, sequence of str or None
        The language of all texts, or one per text (sv, nb, nn, da, en; any code
        :func:`kommunsocial.language.normalise_language` reads: ``SV``, ``nob``, ``no``). ``None``:
        detected with :func:`kommunsocial.language.detect_language`.
    threshold : float
        ``tone`` is "formal" when ``formality >= threshold`` (default 50), else "conversational".

    Returns
    -------
    DataFrame with ``formality`` (float 0–100), ``tone`` (string), ``lang`` (the language the text
    was scored as), ``lang_detected`` (only when ``lang`` is None) and the feature columns of
    :data:`kommunsocial.tone.features.FEATURES`. Texts in a language without resources (Finnish,
    ``other``) get missing ``formality`` and ``tone``: count them with
    :func:`kommunsocial.tone.summaries.unscored`.

    Notes
    -----
    formality = 100 / (1 + exp(−(b + Σ wᵢ zᵢ))), where zᵢ are the inputs of :data:`MODEL_FEATURES`
    standardised with the language's :data:`CENTER` and :data:`SCALE`, and ``b``, ``w`` the
    published :data:`INTERCEPT` and :data:`WEIGHTS`: a logistic regression fitted once on the
    development set's train split (:data:`FIT_INFO`; ``python -m kommunsocial.tone.fit_weights``).
    The score is a deterministic function of the text and its language.

    A text detected as ``und`` (fewer than three words or twelve letters) is scored in the most
    common language of the other texts in the same call (so a page's short posts are read in the
    page's language), or in :data:`FALLBACK_LANG` when there is none. An empty text scores as a text
    with no features at all (the intercept).
    """
    s = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    s = s.astype("string").fillna("")
    detected = _resolve_langs(s, lang)
    known = detected[detected.isin(resources.LANGS)]
    majority = known.value_counts().idxmax() if len(known) else FALLBACK_LANG
    langs = detected.where(detected != "und", majority)
    ok = langs.isin(resources.LANGS).to_numpy()
    feats = _features.features(s[ok], lang=langs[ok].to_numpy())
    feats = feats.reindex(s.index)
    formality = pd.Series(np.nan, index=s.index)
    if ok.any():
        z = design_matrix(feats.loc[ok], langs[ok].to_numpy())
        # an element-wise product summed row by row (not a matrix product, whose BLAS blocking
        # depends on the batch): the same text gets bit-for-bit the same score in any batch
        w = pd.Series(WEIGHTS)[list(MODEL_FEATURES)].to_numpy()
        logit = INTERCEPT + np.ascontiguousarray(z.to_numpy() * w).sum(axis=1)
        formality.loc[ok] = 100.0 / (1.0 + np.exp(-logit))
    tone = pd.Series(np.where(formality >= threshold, "formal", "conversational"), index=s.index, dtype="string")
    tone[formality.isna()] = pd.NA
    out = pd.DataFrame({"formality": formality.astype(float), "tone": tone, "lang": langs.astype("string")},
                       index=s.index)
    if lang is None:
        out["lang_detected"] = detected.astype("string")
    visible = [c for c in _features.FEATURES]
    out = pd.concat([out, feats[visible]], axis=1)
    out["n_words"] = out["n_words"].astype("Int64")
    out["n_sentences"] = out["n_sentences"].astype("Int64")
    for col in ("questions", "exclamations", "emoji"):
        out[col] = out[col].astype("Int64")
    return out


def explain(text: str, lang: str | None = None) -> pd.DataFrame:
    """Which features pushed ``text`` towards formal (positive) or conversational (negative).

    Returns one row per model input: its ``value`` (the feature as reported by :func:`score`),
    ``z`` (standardised in the text's language), ``weight`` and ``contribution`` = weight × z on
    the log-odds scale, sorted by absolute contribution. The contributions plus the intercept
    (row ``(intercept)``) sum to the logit of the formality score.

    >>> e = explain("Ansökan ska inkomma senast den 1 mars i enlighet med gällande regler.", "sv")
    >>> bool(e.loc["officialese", "contribution"] > 0), e.loc["officialese", "towards"]
    (True, 'formal')
    >>> logit = e["contribution"].sum()
    >>> bool(abs(100 / (1 + np.exp(-logit)) - e.attrs["formality"]) < 1e-9)
    True
    """
    if not isinstance(text, str):
        raise TypeError(f"explain() takes one text (str), not {type(text).__name__}")
    scored = score(pd.Series([text]), lang=lang)
    code = scored["lang"].iloc[0]
    if code not in resources.LANGS:
        raise ValueError(f"cannot explain a text in {code!r}: no tone resources for it")
    feats = _features.features(pd.Series([text]), lang=code)
    z = design_matrix(feats, [code]).iloc[0]
    w = pd.Series(WEIGHTS)[list(MODEL_FEATURES)]
    value = {name: scored[name].iloc[0] for name in MODEL_FEATURES}
    out = pd.DataFrame({"value": pd.Series(value, dtype=float), "z": z, "weight": w, "contribution": w * z})
    out = out.reindex(out["contribution"].abs().sort_values(ascending=False, kind="mergesort").index)
    out.loc["(intercept)"] = [np.nan, np.nan, INTERCEPT, INTERCEPT]
    out["towards"] = np.where(out["contribution"] > 0, "formal",
                              np.where(out["contribution"] < 0, "conversational", "–"))
    out.index.name = "feature"
    out.attrs["text"] = text
    out.attrs["formality"] = float(scored["formality"].iloc[0])
    return out

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
from scipy.special import expit

from . import features as _features
from . import resources
from .text import has_words

__all__ = ["score", "explain", "design", "design_matrix", "MODEL_FEATURES", "WEIGHTS", "INTERCEPT", "CENTER",
           "SCALE", "TYPICAL", "SHRINK_WORDS", "SHRINK_SENTENCES", "UND", "DEFAULT_THRESHOLD"]

DEFAULT_THRESHOLD = 50.0
#: The language code of a text too short to tell its language: scored in every language, pooled (:func:`score`).
UND = "und"
#: Pseudo-words and pseudo-sentences of the language's typical text added to every text's ratios:
#: a ratio of a short text is pulled towards the language's typical value (empirical-Bayes style),
#: so one long word is not "100 % long words" and one "!" is not "one exclamation per sentence".
SHRINK_WORDS = 5.0
SHRINK_SENTENCES = 2.0

#: The model's inputs: each is a transform of feature counts, chosen to be robust on short posts.
#: ``typical`` is the language's value over the development set's train split (:data:`TYPICAL`);
#: K = :data:`SHRINK_WORDS`, S = :data:`SHRINK_SENTENCES`.
MODEL_FEATURES = {
    "officialese": "log(1 + 100 × (officialese hits + K × typical) / (words + K))",
    "nominal": "log(1 + 100 × (nominalisations + K × typical) / (words + K))",
    "s_passive": "log(1 + 100 × (passive forms + K × typical) / (words + K))",
    "long_words": "(long words + K × typical share) / (words + K)",
    "word_length": "(letters + K × typical letters per word) / (words + K)",
    "lix": "(words + S × typical words per sentence) / (sentences + S) + 100 × the long_words input, capped at 80",
    "address": "log(1 + 100 × (second-person forms + K × typical) / (words + K))",
    "we": "log(1 + 100 × (first-person-plural forms + K × typical) / (words + K))",
    "questions": "(questions + S × typical) / (sentences + S): a question per sentence, not any question",
    "exclamations": "(exclamations + S × typical) / (sentences + S)",
    "emoji": "(emoji + S × typical) / (sentences + S); bullet points are not emoji",
    "greetings": "log(1 + greetings)",
    "signoffs": "log(1 + sign-offs)",
    "interjections": "log(1 + interjections)",
    "colloquial": "log(1 + colloquial spellings)",
}

# BEGIN FITTED WEIGHTS (written by `python -m kommunsocial.tone.fit_weights --write`; do not edit by hand)
#: Weights on the standardised inputs (log-odds of 'formal' per standard deviation).
WEIGHTS: dict = {
    'officialese': 0.352261,
    'nominal': 0.505938,
    's_passive': 1.299096,
    'long_words': 0.839243,
    'word_length': 0.653994,
    'lix': 0.553804,
    'address': -0.64412,
    'we': -0.586558,
    'questions': -0.80128,
    'exclamations': -1.919367,
    'emoji': -1.912995,
    'greetings': -0.871367,
    'signoffs': -0.735589,
    'interjections': -0.092898,
    'colloquial': -0.131318,
}
INTERCEPT: float = -1.069623
#: Per-language mean and standard deviation of each input on the train split.
CENTER: dict = {
    'da': {
        'officialese': 1.026317,
        'nominal': 1.493524,
        's_passive': 1.113037,
        'long_words': 0.307177,
        'word_length': 5.377723,
        'lix': 40.198022,
        'address': 0.964326,
        'we': 0.919691,
        'questions': 0.052311,
        'exclamations': 0.186851,
        'emoji': 0.350038,
        'greetings': 0.043991,
        'signoffs': 0.049937,
        'interjections': 0.039383,
        'colloquial': 0.024968,
    },
    'en': {
        'officialese': 0.723535,
        'nominal': 1.438368,
        's_passive': 0.944104,
        'long_words': 0.266822,
        'word_length': 4.880166,
        'lix': 38.46219,
        'address': 0.910023,
        'we': 0.816596,
        'questions': 0.063953,
        'exclamations': 0.175153,
        'emoji': 0.355665,
        'greetings': 0.039383,
        'signoffs': 0.051275,
        'interjections': 0.043258,
        'colloquial': 0.062421,
    },
    'nb': {
        'officialese': 1.102997,
        'nominal': 1.472102,
        's_passive': 1.188949,
        'long_words': 0.308614,
        'word_length': 5.298683,
        'lix': 41.143714,
        'address': 0.824103,
        'we': 0.93885,
        'questions': 0.048239,
        'exclamations': 0.225545,
        'emoji': 0.365289,
        'greetings': 0.034229,
        'signoffs': 0.07057,
        'interjections': 0.047793,
        'colloquial': 0.017115,
    },
    'nn': {
        'officialese': 0.923706,
        'nominal': 1.439134,
        's_passive': 0.976898,
        'long_words': 0.275356,
        'word_length': 5.087048,
        'lix': 38.201455,
        'address': 0.817224,
        'we': 0.957326,
        'questions': 0.048219,
        'exclamations': 0.22546,
        'emoji': 0.365151,
        'greetings': 0.034229,
        'signoffs': 0.067816,
        'interjections': 0.047793,
        'colloquial': 0.017115,
    },
    'sv': {
        'officialese': 0.999488,
        'nominal': 1.108043,
        's_passive': 1.264289,
        'long_words': 0.31429,
        'word_length': 5.544924,
        'lix': 40.760205,
        'address': 0.892748,
        'we': 1.010814,
        'questions': 0.04513,
        'exclamations': 0.17993,
        'emoji': 0.314389,
        'greetings': 0.051868,
        'signoffs': 0.032112,
        'interjections': 0.039383,
        'colloquial': 0.066888,
    },
}
SCALE: dict = {
    'da': {
        'officialese': 0.810662,
        'nominal': 0.76081,
        's_passive': 0.730479,
        'long_words': 0.122663,
        'word_length': 0.931791,
        'lix': 11.854021,
        'address': 0.715375,
        'we': 0.676923,
        'questions': 0.077243,
        'exclamations': 0.142845,
        'emoji': 0.235691,
        'greetings': 0.16502,
        'signoffs': 0.182223,
        'interjections': 0.16046,
        'colloquial': 0.118458,
    },
    'en': {
        'officialese': 0.683214,
        'nominal': 0.801476,
        's_passive': 0.702258,
        'long_words': 0.103381,
        'word_length': 0.611448,
        'lix': 10.224502,
        'address': 0.738904,
        'we': 0.715281,
        'questions': 0.085385,
        'exclamations': 0.142076,
        'emoji': 0.237135,
        'greetings': 0.16046,
        'signoffs': 0.17705,
        'interjections': 0.166688,
        'colloquial': 0.213349,
    },
    'nb': {
        'officialese': 0.839671,
        'nominal': 0.723841,
        's_passive': 0.763941,
        'long_words': 0.124282,
        'word_length': 0.919868,
        'lix': 11.715678,
        'address': 0.698145,
        'we': 0.680602,
        'questions': 0.07401,
        'exclamations': 0.170472,
        'emoji': 0.250499,
        'greetings': 0.150181,
        'signoffs': 0.19814,
        'interjections': 0.190637,
        'colloquial': 0.107565,
    },
    'nn': {
        'officialese': 0.754775,
        'nominal': 0.728782,
        's_passive': 0.697913,
        'long_words': 0.106955,
        'word_length': 0.767608,
        'lix': 10.117726,
        'address': 0.694941,
        'we': 0.663411,
        'questions': 0.074015,
        'exclamations': 0.170521,
        'emoji': 0.250586,
        'greetings': 0.150181,
        'signoffs': 0.187635,
        'interjections': 0.190637,
        'colloquial': 0.107565,
    },
    'sv': {
        'officialese': 0.791565,
        'nominal': 0.729762,
        's_passive': 0.725462,
        'long_words': 0.126518,
        'word_length': 0.942462,
        'lix': 12.326198,
        'address': 0.703514,
        'we': 0.679922,
        'questions': 0.073652,
        'exclamations': 0.149449,
        'emoji': 0.232257,
        'greetings': 0.178707,
        'signoffs': 0.139907,
        'interjections': 0.191486,
        'colloquial': 0.233101,
    },
}
#: Per-language typical ratios (all counts over all words or sentences of the train split), which
#: short texts' ratios are shrunk towards.
TYPICAL: dict = {
    'da': {
        'officialese': 0.029984,
        'nominal': 0.049448,
        's_passive': 0.028932,
        'address': 0.026302,
        'we': 0.023146,
        'long_words': 0.301946,
        'word_length': 5.319306,
        'words_per_sentence': 9.273171,
        'questions': 0.053659,
        'exclamations': 0.180488,
        'emoji': 0.326829,
    },
    'en': {
        'officialese': 0.018892,
        'nominal': 0.050236,
        's_passive': 0.024903,
        'address': 0.024045,
        'we': 0.019322,
        'long_words': 0.264921,
        'word_length': 4.874195,
        'words_per_sentence': 11.529703,
        'questions': 0.064356,
        'exclamations': 0.168317,
        'emoji': 0.331683,
    },
    'nb': {
        'officialese': 0.037124,
        'nominal': 0.046992,
        's_passive': 0.034305,
        'address': 0.022086,
        'we': 0.023966,
        'long_words': 0.304511,
        'word_length': 5.255639,
        'words_per_sentence': 10.037736,
        'questions': 0.04717,
        'exclamations': 0.207547,
        'emoji': 0.334906,
    },
    'nn': {
        'officialese': 0.027125,
        'nominal': 0.046112,
        's_passive': 0.024864,
        'address': 0.021022,
        'we': 0.02396,
        'long_words': 0.272152,
        'word_length': 5.051989,
        'words_per_sentence': 10.433962,
        'questions': 0.04717,
        'exclamations': 0.207547,
        'emoji': 0.334906,
    },
    'sv': {
        'officialese': 0.030531,
        'nominal': 0.029029,
        's_passive': 0.035035,
        'address': 0.022272,
        'we': 0.027528,
        'long_words': 0.306807,
        'word_length': 5.485986,
        'words_per_sentence': 9.081818,
        'questions': 0.045455,
        'exclamations': 0.168182,
        'emoji': 0.286364,
    },
}
#: What the weights were fitted on and how to refit them.
FIT_INFO: dict = {
    'data': "kommunsocial/data/tone/devset_{sv,nb,nn,da,en}.csv, split == 'train'",
    'n_train': 426,
    'n_by_lang': {'da': 88, 'en': 88, 'nb': 81, 'nn': 81, 'sv': 88},
    'train_sha256': '90045c176ba7979c',
    'model': 'sklearn LogisticRegression(C=1.0, L2), inputs standardised per language',
    'script': 'python -m kommunsocial.tone.fit_weights --write',
}
# END FITTED WEIGHTS

#: The counts behind each ratio of :data:`TYPICAL`: (feature column, per "words" or "sentences").
_RATIOS = {"officialese": ("_officialese_n", "words"), "nominal": ("_nominal_n", "words"),
           "s_passive": ("_s_passive_n", "words"), "address": ("_address_n", "words"), "we": ("_we_n", "words"),
           "long_words": ("_long_n", "words"), "word_length": ("_letters_n", "words"),
           "words_per_sentence": ("n_words", "sentences"), "questions": ("questions", "sentences"),
           "exclamations": ("exclamations", "sentences"), "emoji": ("emoji", "sentences")}


def typical_values(feats: pd.DataFrame) -> dict:
    """The pooled ratios of :data:`_RATIOS` in ``feats`` (all counts over all words or sentences)."""
    total = {"words": feats["n_words"].to_numpy(float).sum(), "sentences": feats["n_sentences"].to_numpy(float).sum()}
    return {k: float(feats[col].to_numpy(float).sum() / max(total[per], 1.0)) for k, (col, per) in _RATIOS.items()}


def _raw_design(feats: pd.DataFrame, typical: dict) -> pd.DataFrame:
    """The model inputs before standardisation, every ratio shrunk towards the language's ``typical`` value
    (one language; a text without words gets the typical value of each ratio)."""
    words = feats["n_words"].to_numpy(float)
    sentences = feats["n_sentences"].to_numpy(float)

    def ratio(name):
        col, per = _RATIOS[name]
        n, k = (words, SHRINK_WORDS) if per == "words" else (sentences, SHRINK_SENTENCES)
        return (feats[col].to_numpy(float) + k * typical[name]) / (n + k)

    long_words = ratio("long_words")
    return pd.DataFrame({
        "officialese": np.log1p(100.0 * ratio("officialese")),
        "nominal": np.log1p(100.0 * ratio("nominal")),
        "s_passive": np.log1p(100.0 * ratio("s_passive")),
        "long_words": long_words,
        "word_length": ratio("word_length"),
        "lix": np.minimum(ratio("words_per_sentence") + 100.0 * long_words, 80.0),
        "address": np.log1p(100.0 * ratio("address")),
        "we": np.log1p(100.0 * ratio("we")),
        "questions": ratio("questions"),
        "exclamations": ratio("exclamations"),
        "emoji": ratio("emoji"),
        "greetings": np.log1p(feats["greetings"].to_numpy(float)),
        "signoffs": np.log1p(feats["signoffs"].to_numpy(float)),
        "interjections": np.log1p(feats["interjections"].to_numpy(float)),
        "colloquial": np.log1p(feats["colloquial"].to_numpy(float)),
    }, index=feats.index)


def design_matrix(feats: pd.DataFrame, langs, *, center: dict | None = None, scale: dict | None = None,
                  typical: dict | None = None):
    """Standardised model inputs: each column centred and scaled with its language's constants.

    ``center`` / ``scale`` / ``typical`` map language → {input: value}; by default the published
    :data:`CENTER`, :data:`SCALE` and :data:`TYPICAL`. ``langs`` must be languages with resources.
    """
    center = CENTER if center is None else center
    scale = SCALE if scale is None else scale
    typical = TYPICAL if typical is None else typical
    langs = pd.Series(np.asarray(langs, dtype=object), index=feats.index)
    out = pd.DataFrame(0.0, index=feats.index, columns=list(MODEL_FEATURES))
    for code in pd.unique(langs):
        mask = (langs == code).to_numpy()
        raw = _raw_design(feats.loc[mask], typical[code])
        mu = pd.Series(center[code])[list(MODEL_FEATURES)]
        sd = pd.Series(scale[code])[list(MODEL_FEATURES)]
        out.loc[mask] = ((raw - mu) / sd).fillna(0.0).to_numpy()
    return out


def design(texts, langs) -> tuple:
    """(features, standardised inputs) of each text, one row per text (same index), for any language code.

    A text in a language with resources is read in it. A text in ``und`` (too short to tell) is
    read in every language of :data:`resources.LANGS`, and its features and inputs are the mean
    over them: a function of the text alone, never of the other texts. Other codes (``fi``) get
    rows of NaN.
    """
    s = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    s = pd.Series(s.astype("string").fillna("").astype(object).to_numpy(), dtype=object)  # positions
    langs = pd.Series(np.asarray(langs, dtype=object))
    if len(langs) != len(s):
        raise ValueError(f"lang has {len(langs)} values for {len(s)} texts")
    known = langs.isin(resources.LANGS).to_numpy()
    und = (langs == UND).to_numpy()
    parts = [(_features.features(s[known], lang=langs[known].to_numpy()), None)]
    parts[0] = (parts[0][0], design_matrix(parts[0][0], langs[known].to_numpy()))
    if und.any():
        feats = z = None
        for code in resources.LANGS:  # a fixed order: the same sums for the same text in any call
            f = _features.features(s[und], lang=code)
            zc = design_matrix(f, [code] * len(f))
            feats, z = (f.astype(float), zc) if feats is None else (feats + f.astype(float), z + zc)
        parts.append((feats / len(resources.LANGS), z / len(resources.LANGS)))
    parts = [p for p in parts if len(p[0])] or parts[:1]
    feats = pd.concat([f for f, _ in parts]).reindex(range(len(s)))
    z = pd.concat([zz for _, zz in parts]).reindex(range(len(s)))
    index = texts.index if isinstance(texts, pd.Series) else pd.RangeIndex(len(s))
    return feats.set_axis(index), z.set_axis(index)


def _resolve_langs(s: pd.Series, lang) -> pd.Series:
    """One language per text: given (normalised: ``SV``, ``swe``, ``no`` → sv, sv, nb), or detected;
    a missing one is ``und``. A value that is no language code raises
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
        The language of all texts, or one per text (sv, nb, nn, da, en, ``und`` when unknown, or any
        code :func:`kommunsocial.language.normalise_language` reads: ``SV``, ``nob``, ``no``).
        ``None``: detected with :func:`kommunsocial.language.detect_language`.
    threshold : float
        ``tone`` is "formal" when ``formality >= threshold`` (default 50), else "conversational".

    Returns
    -------
    DataFrame with ``formality`` (float 0–100), ``tone`` (string), ``lang`` (the language the text
    was scored as), ``lang_detected`` (only when ``lang`` is None) and the feature columns of
    :data:`kommunsocial.tone.features.FEATURES`. A content-free text (no word once links,
    addresses, mentions and hashtags are removed: empty, a bare link, only hashtags, mentions or
    emoji; :func:`kommunsocial.tone.text.has_words`) has missing ``formality`` and tone ``und``,
    never a label. Texts in a language without resources (Finnish, ``other``) get missing
    ``formality`` and ``tone``: count them with :func:`kommunsocial.tone.summaries.unscored`.

    Notes
    -----
    formality = 100 / (1 + exp(−(b + Σ wᵢ zᵢ))), where zᵢ are the inputs of :data:`MODEL_FEATURES`
    standardised with the language's :data:`CENTER` and :data:`SCALE`, and ``b``, ``w`` the
    published :data:`INTERCEPT` and :data:`WEIGHTS`: a logistic regression fitted once on the
    development set's train split (:data:`FIT_INFO`; ``python -m kommunsocial.tone.fit_weights``).

    The score is a deterministic function of the text and its language, never of the other texts
    in the call. A text in ``und`` (detected as too short to tell: fewer than three words or twelve
    letters) is read in each of the five languages and its inputs averaged (:func:`design`);
    pass the language (a page's, say) to read it in that one instead.
    """
    s = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    s = s.astype("string").fillna("")
    langs = _resolve_langs(s, lang)
    feats, z = design(s, langs.to_numpy())
    supported = langs.isin((*resources.LANGS, UND)).to_numpy()
    content = feats["n_words"].to_numpy(float) > 0
    if not supported.all():  # content-free is decided for every text, whatever its language
        content[~supported] = has_words(s[~supported].tolist())
    scored = supported & content
    formality = np.full(len(s), np.nan)
    if scored.any():
        # an element-wise product summed row by row (not a matrix product, whose BLAS blocking
        # depends on the batch): the same text gets bit-for-bit the same score in any batch
        w = pd.Series(WEIGHTS)[list(MODEL_FEATURES)].to_numpy()
        logit = INTERCEPT + np.ascontiguousarray(z.to_numpy()[scored] * w).sum(axis=1)
        formality[scored] = 100.0 * expit(logit)  # no overflow warning for a text far out on either side
    tone = np.where(formality >= threshold, "formal", "conversational").astype(object)
    tone[~content] = UND
    tone[supported & content & np.isnan(formality)] = None
    tone[~supported & content] = None
    out = pd.DataFrame({"formality": formality, "tone": pd.array(tone, dtype="string"),
                        "lang": langs.astype("string").to_numpy()}, index=s.index)
    if lang is None:
        out["lang_detected"] = langs.astype("string").to_numpy()
    out = pd.concat([out, feats[list(_features.FEATURES)]], axis=1)
    for col in ("n_words", "n_sentences", "questions", "exclamations", "emoji", "bullets"):
        out[col] = out[col].round().astype("Int64")
    return out


def explain(text: str, lang: str | None = None) -> pd.DataFrame:
    """Which features pushed ``text`` towards formal (positive) or conversational (negative).

    Returns one row per model input: its ``value`` (the model input before standardisation),
    ``z`` (standardised in the text's language; for ``und`` the mean over the five languages),
    ``weight`` and ``contribution`` = weight × z on the log-odds scale, sorted by absolute
    contribution. The contributions plus the intercept (row ``(intercept)``) sum to the logit of
    the formality score. A content-free text has no score: ``attrs["formality"]`` is NaN,
    ``attrs["tone"]`` is ``und`` and every contribution is NaN.

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
    if code not in (*resources.LANGS, UND):
        raise ValueError(f"cannot explain a text in {code!r}: no tone resources for it")
    z = design(pd.Series([text]), [code])[1].iloc[0]
    codes = resources.LANGS if code == UND else (code,)
    value = sum(_raw_design(_features.features([text], lang=c), TYPICAL[c]).iloc[0] for c in codes) / len(codes)
    content = scored["tone"].iloc[0] != UND
    if not content:
        z = z * np.nan
    w = pd.Series(WEIGHTS)[list(MODEL_FEATURES)]
    out = pd.DataFrame({"value": value.astype(float), "z": z, "weight": w, "contribution": w * z})
    out = out.reindex(out["contribution"].abs().sort_values(ascending=False, kind="mergesort").index)
    out.loc["(intercept)"] = [np.nan, np.nan, INTERCEPT, INTERCEPT if content else np.nan]
    out["towards"] = np.where(out["contribution"] > 0, "formal",
                              np.where(out["contribution"] < 0, "conversational", "–"))
    out.index.name = "feature"
    out.attrs["text"] = text
    out.attrs["formality"] = float(scored["formality"].iloc[0])
    out.attrs["tone"] = str(scored["tone"].iloc[0])
    return out

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
           "SCALE", "TYPICAL", "STYLE_FEATURES", "SHRINK_WORDS", "SHRINK_SENTENCES", "EVIDENCE_WORDS", "UND",
           "DEFAULT_THRESHOLD"]

DEFAULT_THRESHOLD = 50.0
#: The language code of a text too short to tell its language: scored in every language, pooled (:func:`score`).
UND = "und"
#: Pseudo-words and pseudo-sentences of the language's typical text added to every text's ratios:
#: a ratio of a short text is pulled towards the language's typical value (empirical-Bayes style),
#: so one long word is not "100 % long words" and one "!" is not "one exclamation per sentence".
SHRINK_WORDS = 5.0
SHRINK_SENTENCES = 2.0
#: The evidence of a text grows with its length: the standardised inputs of a text of n words are
#: weighted n / (n + E), so a one- or two-word post ("Välkommen", "Välkommen!") scores near the
#: intercept rather than at either end on one letter or one "!". E = 2: the written test split's
#: accuracy 0.983 → 0.989, the real test split's 0.873 → 0.858 (three texts of 204).
EVIDENCE_WORDS = 2.0

#: The model's inputs: each is a transform of feature counts, chosen to be robust on short posts.
#: Two kinds. *Markers* (officialese … colloquial) are evidence only where they occur: their counts
#: are shrunk towards 0 (K = :data:`SHRINK_WORDS` pseudo-words or S = :data:`SHRINK_SENTENCES`
#: pseudo-sentences without the marker) and they are not centred, so a text without a marker gets 0
#: from it, whatever its length — the absence of emoji is not evidence of a formal voice. *Style*
#: inputs (long words, word length, LIX) describe every text and are shrunk towards the language's
#: typical value (:data:`TYPICAL`, over the train split) and centred on its mean.
MODEL_FEATURES = {
    "officialese": "log(1 + 100 × officialese hits / (words + K))",
    "nominal": "log(1 + 100 × nominalisations / (words + K))",
    "s_passive": "log(1 + 100 × passive forms / (words + K))",
    "long_words": "(long words + K × typical share) / (words + K)",
    "word_length": "(letters + K × typical letters per word) / (words + K)",
    "lix": "(words + S × typical words per sentence) / (sentences + S) + 100 × the long_words input, capped at 80",
    "address": "log(1 + 100 × second-person forms / (words + K))",
    "we": "log(1 + 100 × first-person-plural forms / (words + K))",
    "i": "log(1 + 100 × first-person-singular forms / (words + K))",
    "questions": "questions / (sentences + S): a question per sentence, not any question",
    "exclamations": "exclamations / (sentences + S)",
    "emoji": "log(1 + emoji / (sentences + S)); bullet points are not emoji",
    "greetings": "log(1 + greetings)",
    "signoffs": "log(1 + sign-offs)",
    "interjections": "log(1 + interjections)",
    "colloquial": "log(1 + colloquial spellings)",
}
#: The style inputs, centred on the language's mean; every other input is a marker, 0 when absent.
STYLE_FEATURES = ("long_words", "word_length", "lix")

# BEGIN FITTED WEIGHTS (written by `python -m kommunsocial.tone.fit_weights --write`; do not edit by hand)
#: Weights on the standardised inputs (log-odds of 'formal' per standard deviation).
WEIGHTS: dict = {
    'officialese': 0.648022,
    'nominal': 0.407936,
    's_passive': 1.354412,
    'long_words': 0.489706,
    'word_length': 0.268803,
    'lix': 0.454813,
    'address': -1.181058,
    'we': -0.67889,
    'i': -0.906051,
    'questions': -0.713628,
    'exclamations': -1.79225,
    'emoji': -1.685475,
    'greetings': -0.10681,
    'signoffs': -0.530664,
    'interjections': -0.286079,
    'colloquial': -0.774082,
}
INTERCEPT: float = 0.643421
#: Per-language mean and standard deviation of each input on the train split.
CENTER: dict = {
    'da': {
        'officialese': 0.0,
        'nominal': 0.0,
        's_passive': 0.0,
        'long_words': 0.273453,
        'word_length': 5.136871,
        'lix': 37.943516,
        'address': 0.0,
        'we': 0.0,
        'i': 0.0,
        'questions': 0.0,
        'exclamations': 0.0,
        'emoji': 0.0,
        'greetings': 0.0,
        'signoffs': 0.0,
        'interjections': 0.0,
        'colloquial': 0.0,
    },
    'en': {
        'officialese': 0.0,
        'nominal': 0.0,
        's_passive': 0.0,
        'long_words': 0.266822,
        'word_length': 4.880166,
        'lix': 38.46219,
        'address': 0.0,
        'we': 0.0,
        'i': 0.0,
        'questions': 0.0,
        'exclamations': 0.0,
        'emoji': 0.0,
        'greetings': 0.0,
        'signoffs': 0.0,
        'interjections': 0.0,
        'colloquial': 0.0,
    },
    'nb': {
        'officialese': 0.0,
        'nominal': 0.0,
        's_passive': 0.0,
        'long_words': 0.286281,
        'word_length': 5.162282,
        'lix': 38.035562,
        'address': 0.0,
        'we': 0.0,
        'i': 0.0,
        'questions': 0.0,
        'exclamations': 0.0,
        'emoji': 0.0,
        'greetings': 0.0,
        'signoffs': 0.0,
        'interjections': 0.0,
        'colloquial': 0.0,
    },
    'nn': {
        'officialese': 0.0,
        'nominal': 0.0,
        's_passive': 0.0,
        'long_words': 0.246405,
        'word_length': 4.8864,
        'lix': 36.558785,
        'address': 0.0,
        'we': 0.0,
        'i': 0.0,
        'questions': 0.0,
        'exclamations': 0.0,
        'emoji': 0.0,
        'greetings': 0.0,
        'signoffs': 0.0,
        'interjections': 0.0,
        'colloquial': 0.0,
    },
    'sv': {
        'officialese': 0.0,
        'nominal': 0.0,
        's_passive': 0.0,
        'long_words': 0.314443,
        'word_length': 5.515543,
        'lix': 42.016988,
        'address': 0.0,
        'we': 0.0,
        'i': 0.0,
        'questions': 0.0,
        'exclamations': 0.0,
        'emoji': 0.0,
        'greetings': 0.0,
        'signoffs': 0.0,
        'interjections': 0.0,
        'colloquial': 0.0,
    },
}
SCALE: dict = {
    'da': {
        'officialese': 0.750653,
        'nominal': 1.050605,
        's_passive': 0.843438,
        'long_words': 0.110141,
        'word_length': 0.853456,
        'lix': 10.953784,
        'address': 0.929502,
        'we': 0.810287,
        'i': 0.436634,
        'questions': 0.085177,
        'exclamations': 0.10875,
        'emoji': 0.132379,
        'greetings': 0.10291,
        'signoffs': 0.115741,
        'interjections': 0.132837,
        'colloquial': 0.1095,
    },
    'en': {
        'officialese': 0.790192,
        'nominal': 1.070739,
        's_passive': 0.851612,
        'long_words': 0.103381,
        'word_length': 0.611448,
        'lix': 10.224502,
        'address': 0.877645,
        'we': 0.822666,
        'i': 1.0,
        'questions': 0.085779,
        'exclamations': 0.139523,
        'emoji': 0.176788,
        'greetings': 0.16046,
        'signoffs': 0.17705,
        'interjections': 0.166688,
        'colloquial': 0.213349,
    },
    'nb': {
        'officialese': 0.883355,
        'nominal': 0.966806,
        's_passive': 0.895925,
        'long_words': 0.11589,
        'word_length': 0.834717,
        'lix': 10.750333,
        'address': 0.74608,
        'we': 0.730096,
        'i': 0.333918,
        'questions': 0.202372,
        'exclamations': 0.134614,
        'emoji': 0.159437,
        'greetings': 0.110601,
        'signoffs': 0.148409,
        'interjections': 0.144023,
        'colloquial': 0.129914,
    },
    'nn': {
        'officialese': 0.778527,
        'nominal': 0.95155,
        's_passive': 0.780693,
        'long_words': 0.103455,
        'word_length': 0.733416,
        'lix': 10.044737,
        'address': 0.705088,
        'we': 0.748733,
        'i': 0.831294,
        'questions': 0.089428,
        'exclamations': 0.150268,
        'emoji': 0.165554,
        'greetings': 0.117532,
        'signoffs': 0.15229,
        'interjections': 0.149512,
        'colloquial': 0.102174,
    },
    'sv': {
        'officialese': 0.725007,
        'nominal': 0.892298,
        's_passive': 0.871042,
        'long_words': 0.113884,
        'word_length': 0.850161,
        'lix': 11.631097,
        'address': 0.768928,
        'we': 0.711014,
        'i': 0.457326,
        'questions': 0.058606,
        'exclamations': 0.129332,
        'emoji': 0.238937,
        'greetings': 0.132526,
        'signoffs': 0.097495,
        'interjections': 0.145936,
        'colloquial': 0.200885,
    },
}
#: Per-language typical ratios (all counts over all words or sentences of the train split), which
#: short texts' ratios are shrunk towards.
TYPICAL: dict = {
    'da': {
        'officialese': 0.012795,
        'nominal': 0.04708,
        's_passive': 0.020341,
        'address': 0.026739,
        'we': 0.018537,
        'i': 0.002871,
        'long_words': 0.268373,
        'word_length': 5.08481,
        'words_per_sentence': 10.297297,
        'questions': 0.059122,
        'exclamations': 0.094595,
        'emoji': 0.128378,
    },
    'en': {
        'officialese': 0.018892,
        'nominal': 0.050236,
        's_passive': 0.024903,
        'address': 0.024045,
        'we': 0.019322,
        'i': 0.0,
        'long_words': 0.264921,
        'word_length': 4.874195,
        'words_per_sentence': 11.529703,
        'questions': 0.064356,
        'exclamations': 0.168317,
        'emoji': 0.331683,
    },
    'nb': {
        'officialese': 0.024418,
        'nominal': 0.037328,
        's_passive': 0.024418,
        'address': 0.01712,
        'we': 0.016559,
        'i': 0.003228,
        'long_words': 0.277575,
        'word_length': 5.086725,
        'words_per_sentence': 9.043147,
        'questions': 0.06599,
        'exclamations': 0.114213,
        'emoji': 0.182741,
    },
    'nn': {
        'officialese': 0.017735,
        'nominal': 0.038902,
        's_passive': 0.018879,
        'address': 0.014159,
        'we': 0.017162,
        'i': 0.018736,
        'long_words': 0.244851,
        'word_length': 4.868993,
        'words_per_sentence': 11.462295,
        'questions': 0.062295,
        'exclamations': 0.17377,
        'emoji': 0.245902,
    },
    'sv': {
        'officialese': 0.012844,
        'nominal': 0.034085,
        's_passive': 0.03178,
        'address': 0.011362,
        'we': 0.01482,
        'i': 0.002388,
        'long_words': 0.325375,
        'word_length': 5.595422,
        'words_per_sentence': 10.452668,
        'questions': 0.024096,
        'exclamations': 0.091222,
        'emoji': 0.292599,
    },
}
#: What the weights were fitted on and how to refit them.
FIT_INFO: dict = {
    'data': "kommunsocial/data/tone/devset_{sv,nb,nn,da,en}.csv and the real development set (benchmarks/realdev, as kommunsocial/data/tone/realdev_features.csv), split == 'train'",
    'n_train': 846,
    'n_by_lang': {'da': 251, 'en': 88, 'nb': 153, 'nn': 135, 'sv': 219},
    'train_sha256': '0d1c555de2232ec7',
    'model': 'sklearn LogisticRegression(C=1.0, L2), inputs standardised per language',
    'script': 'python -m kommunsocial.tone.fit_weights --write',
}
# END FITTED WEIGHTS

#: The counts behind each ratio of :data:`TYPICAL`: (feature column, per "words" or "sentences").
_RATIOS = {"officialese": ("_officialese_n", "words"), "nominal": ("_nominal_n", "words"),
           "s_passive": ("_s_passive_n", "words"), "address": ("_address_n", "words"), "we": ("_we_n", "words"),
           "i": ("_i_n", "words"),
           "long_words": ("_long_n", "words"), "word_length": ("_letters_n", "words"),
           "words_per_sentence": ("n_words", "sentences"), "questions": ("questions", "sentences"),
           "exclamations": ("exclamations", "sentences"), "emoji": ("emoji", "sentences")}


def typical_values(feats: pd.DataFrame) -> dict:
    """The pooled ratios of :data:`_RATIOS` in ``feats`` (all counts over all words or sentences)."""
    total = {"words": feats["n_words"].to_numpy(float).sum(), "sentences": feats["n_sentences"].to_numpy(float).sum()}
    return {k: float(feats[col].to_numpy(float).sum() / max(total[per], 1.0)) for k, (col, per) in _RATIOS.items()}


def _raw_design(feats: pd.DataFrame, typical: dict) -> pd.DataFrame:
    """The model inputs before standardisation (one language): markers shrunk towards 0, style inputs
    towards the language's ``typical`` value (a text without words gets 0 markers and typical style)."""
    words = feats["n_words"].to_numpy(float)
    sentences = feats["n_sentences"].to_numpy(float)

    def ratio(name, prior: float = 0.0):
        col, per = _RATIOS[name]
        n, k = (words, SHRINK_WORDS) if per == "words" else (sentences, SHRINK_SENTENCES)
        return (feats[col].to_numpy(float) + k * prior) / (n + k)

    long_words = ratio("long_words", typical["long_words"])
    return pd.DataFrame({
        "officialese": np.log1p(100.0 * ratio("officialese")),
        "nominal": np.log1p(100.0 * ratio("nominal")),
        "s_passive": np.log1p(100.0 * ratio("s_passive")),
        "long_words": long_words,
        "word_length": ratio("word_length", typical["word_length"]),
        "lix": np.minimum(ratio("words_per_sentence", typical["words_per_sentence"]) + 100.0 * long_words, 80.0),
        "address": np.log1p(100.0 * ratio("address")),
        "we": np.log1p(100.0 * ratio("we")),
        "i": np.log1p(100.0 * ratio("i")),
        "questions": ratio("questions"),
        "exclamations": ratio("exclamations"),
        "emoji": np.log1p(ratio("emoji")),
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
        z = ((raw - mu) / sd).fillna(0.0)
        # a text of n words carries n / (n + E) of the evidence of a long one: few words, a score
        # near the intercept, whatever those words are
        n = feats.loc[mask, "n_words"].to_numpy(float)
        z = z.mul(n / (n + EVIDENCE_WORDS), axis=0)
        out.loc[mask] = z.to_numpy()
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
    formality = 100 / (1 + exp(−(b + n / (n + E) · Σ wᵢ zᵢ))), where zᵢ are the inputs of
    :data:`MODEL_FEATURES` standardised with the language's :data:`CENTER` and :data:`SCALE`, n the
    text's words, E = :data:`EVIDENCE_WORDS`, and ``b``, ``w`` the
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

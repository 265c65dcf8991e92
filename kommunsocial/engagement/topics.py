"""Unsupervised topics of posts (NMF over TF-IDF, per language), a control for engagement models."""

from __future__ import annotations

import itertools
import re
import warnings

import numpy as np
import pandas as pd

__all__ = ["topics", "TOPIC_MIN_POSTS"]

_STOPWORD_LANG = {"sv": "sv", "nb": "no", "nn": "no", "da": "da", "en": "en", "fi": "fi"}
#: A token: a whole word of three or more letters (no digit, no underscore).
_TOKEN = r"(?u)\b[^\W\d_][^\W\d_]{2,}\b"
#: The same tokens as :data:`_TOKEN`, as a pattern Python's ``re`` runs faster.
_TOKEN_RE = re.compile(r"(?u)\b[^\W\d_]{3,}\b")
_URL = re.compile(r"https?://\S+|www\.\S+|\S+\.(?:se|no|dk|fi|com)\S*", re.I)


def _may_hold_link(text: str, low: str) -> bool:
    """False when :data:`_URL` cannot match ``text`` (``low`` is ``text.lower()``).

    Every match holds, lower-cased, "http", "www." or a dot and one of the top-level domains, or one
    of the characters that ``re.I`` matches to a letter of the pattern although they lower-case to
    something else (dotless ı, long ſ, dotted İ).
    """
    return ("http" in low or "www." in low or ".se" in low or ".no" in low or ".dk" in low or ".fi" in low
            or ".com" in low or "ı" in text or "ſ" in text or "İ" in text)


def _stopwords(lang: str) -> list[str]:
    import stopwordsiso

    words = set(stopwordsiso.stopwords(_STOPWORD_LANG.get(lang, "en")))
    return sorted(words | {"kommun", "kommune", "kommunen", "kommunens", "kommunes"})


def _tokens(docs) -> list[list[str]]:
    """Each text's words as the vectoriser saw them: links removed, lower-cased, :data:`_TOKEN` found.

    The link pattern runs only on texts that can hold a link (:func:`_may_hold_link`).
    """
    find, sub = _TOKEN_RE.findall, _URL.sub
    out = []
    for text in docs:
        low = text.lower()
        if _may_hold_link(text, low):
            low = sub(" ", text).lower()
        out.append(find(low))
    return out


def _counts(tokens: list[list[str]], vocabulary):
    """Term counts of ``tokens`` over ``vocabulary`` (words outside it ignored), as a CountVectorizer gives them."""
    from scipy import sparse

    column = {word: j for j, word in enumerate(vocabulary)}.get
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    words = itertools.chain.from_iterable(tokens)
    cols = np.fromiter(map(column, words, itertools.repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(tokens)), lengths)
    known = cols >= 0
    matrix = sparse.csr_matrix((np.ones(int(known.sum())), (rows[known], cols[known])),
                               shape=(len(tokens), len(vocabulary)), dtype=np.float64)
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def _as_is(tokens):
    return tokens


#: :func:`topics` fits each language's model on at most this many posts (a seeded random sample)
#: and then assigns every post: a country's 400,000 Swedish posts take a minute less, and 50,000
#: posts are plenty to find a dozen topics.
MAX_FIT_POSTS = 50_000

#: A language needs this many posts with text for :func:`topics` to fit its own topics.
TOPIC_MIN_POSTS = 50


def topics(texts: pd.Series, *, lang: pd.Series | None = None, n_topics: int = 12, seed: int = 0,
           min_posts: int = TOPIC_MIN_POSTS, n_words: int = 6,
           max_fit: int | None = MAX_FIT_POSTS) -> tuple[pd.Series, pd.DataFrame]:
    """Assign each post to one of ``n_topics`` topics found by NMF on TF-IDF, fitted per language.

    Posts in different languages share no vocabulary, so one model over all of them would find
    languages rather than topics: each language with at least ``min_posts`` posts gets its own
    model, the rest share topic ``"other"``. A post's topic is its highest-weight component
    (``"<lang>:<k>"``), or ``"<lang>:none"`` when it has no word the model knows.

    Texts are lower-cased, links removed, and words of three or more letters kept (stop words of
    the language and "kommun…" left out); TF-IDF has sublinear term frequencies, and a word must be
    in at least 3 and at most half of the posts. A language with more than ``max_fit`` posts has
    its vocabulary and model fitted on a random sample of that many (``None``: on all), and every
    post is then assigned. Each text is tokenised once.

    Returns ``(topic per post, table of topics with their top words and number of posts)``.
    Deterministic for a given ``seed``.

    Notes
    -----
    Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by non-negative matrix
    factorization. *Nature*, 401, 788–791; scikit-learn's ``NMF`` with NNDSVD initialisation.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    texts = pd.Series(texts).astype("string").fillna("")
    lang = (pd.Series(lang, index=texts.index).astype("string").fillna("und") if lang is not None
            else pd.Series("und", index=texts.index, dtype="string"))
    counts = lang.value_counts()
    big = [code for code, n in counts.items() if n >= min_posts and code != "und"]
    topic = pd.Series("other", index=texts.index, dtype="string")
    rows = []
    for code in sorted(big):
        idx = lang.index[lang == code]
        docs = texts.loc[idx]
        sampled = max_fit is not None and len(docs) > max_fit
        at = pd.Series(np.arange(len(docs)), index=docs.index)
        # the sample's positions: the posts pandas draws, in the order of their index
        fit_at = at.sample(n=max_fit, random_state=seed).sort_index().to_numpy() if sampled else at.to_numpy()
        tokens = _tokens(docs.tolist())
        stop = frozenset(_stopwords(code))
        # CountVectorizer + TfidfTransformer is TfidfVectorizer, fed the tokens found above
        vectorizer = CountVectorizer(analyzer=_as_is, lowercase=False, token_pattern=None, min_df=3, max_df=0.5,
                                     dtype=np.float64)
        tfidf = TfidfTransformer(sublinear_tf=True)
        matrix = tfidf.fit_transform(vectorizer.fit_transform([[w for w in tokens[i] if w not in stop]
                                                               for i in fit_at]))
        k = int(min(n_topics, max(1, matrix.shape[1] - 1), len(idx) // 5 or 1))
        model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=1000)
        vocab = np.array(vectorizer.get_feature_names_out())
        with warnings.catch_warnings():  # a topic model for a control need not converge to the last digit
            warnings.simplefilter("ignore", ConvergenceWarning)
            weights = model.fit_transform(matrix)
            if sampled:
                weights = model.transform(tfidf.transform(_counts(tokens, vocab)))
        best = weights.argmax(axis=1)
        labels = np.where(weights.max(axis=1) > 0, [f"{code}:{b}" for b in best], f"{code}:none")
        topic.loc[idx] = labels
        for j, component in enumerate(model.components_):
            top = vocab[np.argsort(component)[::-1][:n_words]]
            rows.append({"topic": f"{code}:{j}", "lang": code, "top_words": ", ".join(top),
                         "posts": int((labels == f"{code}:{j}").sum())})
    table = pd.DataFrame(rows, columns=["topic", "lang", "top_words", "posts"]).set_index("topic")
    return topic, table

"""Unsupervised topics of posts (NMF over TF-IDF, per language), a control for engagement models."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

__all__ = ["topics"]

_STOPWORD_LANG = {"sv": "sv", "nb": "no", "nn": "no", "da": "da", "en": "en", "fi": "fi"}
_TOKEN = r"(?u)\b[^\W\d_][^\W\d_]{2,}\b"
_URL = re.compile(r"https?://\S+|www\.\S+|\S+\.(?:se|no|dk|fi|com)\S*", re.I)


def _stopwords(lang: str) -> list[str]:
    import stopwordsiso

    words = set(stopwordsiso.stopwords(_STOPWORD_LANG.get(lang, "en")))
    return sorted(words | {"kommun", "kommune", "kommunen", "kommunens", "kommunes"})


#: :func:`topics` fits each language's model on at most this many posts (a seeded random sample)
#: and then assigns every post: a country's 400,000 Swedish posts take a minute less, and 50,000
#: posts are plenty to find a dozen topics.
MAX_FIT_POSTS = 50_000


def topics(texts: pd.Series, *, lang: pd.Series | None = None, n_topics: int = 12, seed: int = 0,
           min_posts: int = 50, n_words: int = 6,
           max_fit: int | None = MAX_FIT_POSTS) -> tuple[pd.Series, pd.DataFrame]:
    """Assign each post to one of ``n_topics`` topics found by NMF on TF-IDF, fitted per language.

    Posts in different languages share no vocabulary, so one model over all of them would find
    languages rather than topics: each language with at least ``min_posts`` posts gets its own
    model, the rest share topic ``"other"``. A post's topic is its highest-weight component
    (``"<lang>:<k>"``), or ``"<lang>:none"`` when it has no word the model knows.

    A language with more than ``max_fit`` posts has its vocabulary and model fitted on a random
    sample of that many (``None``: on all), and every post is then assigned.

    Returns ``(topic per post, table of topics with their top words and number of posts)``.
    Deterministic for a given ``seed``.

    Notes
    -----
    Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by non-negative matrix
    factorization. *Nature*, 401, 788–791; scikit-learn's ``NMF`` with NNDSVD initialisation.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = pd.Series(texts).astype("string").fillna("")
    lang = (pd.Series(lang, index=texts.index).astype("string").fillna("und") if lang is not None
            else pd.Series("und", index=texts.index, dtype="string"))
    counts = lang.value_counts()
    big = [code for code, n in counts.items() if n >= min_posts and code != "und"]
    topic = pd.Series("other", index=texts.index, dtype="string")
    rows = []
    for code in sorted(big):
        idx = lang.index[lang == code]
        docs = texts.loc[idx].str.replace(_URL, " ", regex=True)
        vectorizer = TfidfVectorizer(token_pattern=_TOKEN, lowercase=True, min_df=3, max_df=0.5,
                                     stop_words=_stopwords(code), sublinear_tf=True)
        sampled = max_fit is not None and len(docs) > max_fit
        fit_docs = docs.sample(n=max_fit, random_state=seed).sort_index() if sampled else docs
        matrix = vectorizer.fit_transform(fit_docs.tolist())
        k = int(min(n_topics, max(1, matrix.shape[1] - 1), len(idx) // 5 or 1))
        model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=1000)
        with warnings.catch_warnings():  # a topic model for a control need not converge to the last digit
            warnings.simplefilter("ignore", ConvergenceWarning)
            weights = model.fit_transform(matrix)
            if sampled:
                weights = model.transform(vectorizer.transform(docs.tolist()))
        best = weights.argmax(axis=1)
        labels = np.where(weights.max(axis=1) > 0, [f"{code}:{b}" for b in best], f"{code}:none")
        topic.loc[idx] = labels
        vocab = np.array(vectorizer.get_feature_names_out())
        for j, component in enumerate(model.components_):
            top = vocab[np.argsort(component)[::-1][:n_words]]
            rows.append({"topic": f"{code}:{j}", "lang": code, "top_words": ", ".join(top),
                         "posts": int((labels == f"{code}:{j}").sum())})
    table = pd.DataFrame(rows, columns=["topic", "lang", "top_words", "posts"]).set_index("topic")
    return topic, table

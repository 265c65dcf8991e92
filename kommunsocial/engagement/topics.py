"""Topics of posts, a control for engagement models: seeded service areas and NMF over content words.

Three methods (:data:`METHODS`), each per language:

* ``"nmf"`` (the default): NMF over the content words of every post;
* ``"seeded"``: the municipal service area a post is about, from the shipped word list
  (:mod:`.service_areas`: snow and roads, water and waste, schools …), and for the posts no area
  claims, NMF over their content words;
* ``"nmf-all-words"``: NMF over every word but stop words, the former behaviour, for comparison.

Content words (:mod:`.content`) leave out the tone measure's own vocabulary, so that a topic
describes what a post is about rather than how it is written: adjusting the tone effect for a
"topic" that is one register would remove part of the effect. :func:`topic_tone_table` shows
which topics are nonetheless nearly one register.

Why ``"nmf"`` is the default (measured by ``benchmarks/topic_register.py``, figures in its
docstring): on the bundled sample it recovers the planted tone ratios (comments 1.65 for 1.6,
reactions 1.39 for 1.4) as the all-words model did (1.59, 1.43), while the seeded areas leave
confounding in (1.30, 1.30): they file a crisis notice that closes the schools under schools, and
the planted crisis effect goes with it. The seeded areas are far less often one register on the
sample (4 topics of 32 at 90 % or more, against 24 of 31), but not on real Swedish text, where
subject and register go together.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd

from . import content, service_areas
from .service_areas import TopicError

__all__ = ["topics", "topic_tone_table", "METHODS", "TOPIC_MIN_POSTS", "MIN_TOPIC_SIZE", "MAX_FIT_POSTS",
           "REGISTER_WARNING"]

#: The ways :func:`topics` finds topics, the default first.
METHODS = ("seeded", "nmf", "nmf-all-words")

#: :func:`topics` fits each language's model on at most this many posts (a seeded random sample)
#: and then assigns every post: a country's 400,000 Swedish posts take a minute less, and 50,000
#: posts are plenty to find a dozen topics.
MAX_FIT_POSTS = 50_000

#: A language needs this many posts with text for :func:`topics` to fit its own topics.
TOPIC_MIN_POSTS = 50

#: A topic with fewer posts joins its language's ``"<lang>:small"`` topic: a level of a handful of
#: posts adds a coefficient the data hardly inform (and at ±∞ when none of them has a comment), and
#: the correction for tone measurement error and the recovery check need each level to be estimable.
MIN_TOPIC_SIZE = 30

#: What :func:`topic_tone_table` says of a topic that is nearly one register.
REGISTER_WARNING = "this topic measures register; adjusting for it removes part of the effect"


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


def _nmf(tokens: list[list[str]], code: str, *, n_topics: int, seed: int, max_fit: int | None,
         n_words: int) -> tuple[np.ndarray, list[dict]]:
    """NMF topics of the posts whose words are ``tokens``: (label per post, rows of the topic table)."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    n = len(tokens)
    sampled = max_fit is not None and n > max_fit
    at = pd.Series(np.arange(n))
    # the sample's positions: the posts pandas draws, in the order of their index
    fit_at = at.sample(n=max_fit, random_state=seed).sort_index().to_numpy() if sampled else at.to_numpy()
    # CountVectorizer + TfidfTransformer is TfidfVectorizer, fed the words found before
    vectorizer = CountVectorizer(analyzer=_as_is, lowercase=False, token_pattern=None, min_df=3, max_df=0.5,
                                 dtype=np.float64)
    tfidf = TfidfTransformer(sublinear_tf=True)
    try:
        matrix = tfidf.fit_transform(vectorizer.fit_transform([tokens[i] for i in fit_at]))
    except ValueError:  # no word in 3 posts and at most half of them: nothing to factorise
        return np.full(n, f"{code}:none", dtype=object), []
    k = int(min(n_topics, max(1, matrix.shape[1] - 1), n // 5 or 1))
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=1000)
    vocab = np.array(vectorizer.get_feature_names_out())
    with warnings.catch_warnings():  # a topic model for a control need not converge to the last digit
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
        if sampled:
            weights = model.transform(tfidf.transform(_counts(tokens, vocab)))
    best = weights.argmax(axis=1)
    labels = np.where(weights.max(axis=1) > 0, [f"{code}:{b}" for b in best], f"{code}:none").astype(object)
    rows = []
    for j, component in enumerate(model.components_):
        top = vocab[np.argsort(component)[::-1][:n_words]]
        rows.append({"topic": f"{code}:{j}", "lang": code, "source": "nmf", "top_words": ", ".join(top),
                     "posts": int((labels == f"{code}:{j}").sum())})
    return labels, rows


def _area_rows(code: str, words: content.Words, area_of_text: np.ndarray, areas: tuple, word_area: np.ndarray,
               multiplicity: np.ndarray, n_words: int) -> list[dict]:
    """Rows of the topic table for the areas of one language: their posts and most frequent matched words."""
    text_of = np.repeat(np.arange(len(words.lengths)), words.lengths)
    area = area_of_text[text_of]
    counted = (area >= 0) & (word_area[words.codes] == area)  # the words that won the post for its area
    frame = pd.DataFrame({"area": area[counted], "code": words.codes[counted],
                          "n": multiplicity[text_of[counted]]})
    top = frame.groupby(["area", "code"], sort=True)["n"].sum().reset_index()
    posts = np.bincount(area_of_text[area_of_text >= 0], weights=multiplicity[area_of_text >= 0],
                        minlength=len(areas))
    rows = []
    for a, name in enumerate(areas):
        if posts[a] == 0:
            continue
        mine = top[top["area"] == a].sort_values(["n", "code"], ascending=[False, True], kind="stable")
        rows.append({"topic": f"{code}:{name}", "lang": code, "source": "seeded",
                     "top_words": ", ".join(words.words[c] for c in mine["code"].head(n_words)),
                     "posts": int(posts[a])})
    return rows


def topics(texts: pd.Series, *, lang: pd.Series | None = None, method: str = "seeded", n_topics: int = 12,
           seed: int = 0, min_posts: int = TOPIC_MIN_POSTS, n_words: int = 6, max_fit: int | None = MAX_FIT_POSTS,
           min_hits: int = 1, areas=None, min_size: int = MIN_TOPIC_SIZE) -> tuple[pd.Series, pd.DataFrame]:
    """Assign each post a topic, per language: a service area (``method="seeded"``) or an NMF topic.

    Posts in different languages share no vocabulary, so each language with at least ``min_posts``
    posts gets its own topics, and the posts of the others share topic ``"other"`` (as do posts of
    undetermined language, ``und``). Labels are ``"<lang>:<name>"``: ``"sv:snow_roads"`` for a
    service area, ``"sv:3"`` for an NMF topic, ``"sv:none"`` for a post with no word to go by.

    ``method`` (:data:`METHODS`):

    * ``"nmf"``: ``n_topics`` NMF topics over the content words of every post (:mod:`.content`).
    * ``"seeded"``: a post's service area is the one whose terms its content words hit most (ties:
      the area hit first in the post; fewer than ``min_hits`` hits: no area; see
      :mod:`.service_areas`; ``areas`` is the path of another word list in the same format). The
      posts with no area, if at least ``min_posts``, get ``n_topics`` NMF topics over their
      content words; else ``"<lang>:none"``. A language the list lacks gets NMF alone.
    * ``"nmf-all-words"``: the same over every word but stop words, tone vocabulary included.

    ``"seeded"`` is the default because a control must hold what a post is about and not how it is
    written: on the bundled sample, with the planted tone, the adjusted comments ratio is 1.40 with
    seeded areas, 1.35 with NMF topics and 1.33 with NMF on every word, against 1.51 with the planted
    topics (``benchmarks/topic_register.py``). NMF also splits a subject by its voice when the two
    voices use different content words; named areas do not.

    NMF: TF-IDF with sublinear term frequencies; a word must be in at least 3 and at most half of
    the posts. A language with more than ``max_fit`` posts has its vocabulary and model fitted on
    a random sample of that many (``None``: on all), and every post is then assigned. Each distinct
    text is read once.

    A topic of fewer than ``min_size`` posts joins its language's ``"<lang>:small"`` (the table's
    ``in_model`` column names the label each topic has in the posts), a small ``"<lang>:none"``
    too; ``"other"`` stays as it is.

    Returns ``(topic per post, table of topics)``. The topics are a categorical whose first category
    is the largest topic (a model's reference level: see :func:`_largest_first`); the table has
    ``lang``, ``source`` (``seeded``, ``nmf``, or ``none`` for the posts with no word to go by),
    ``top_words`` (an area's most frequent matched words, an NMF topic's heaviest words), ``posts``
    and ``in_model``: every post but those in ``"other"``. Deterministic for a given ``seed``.

    Notes
    -----
    Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by non-negative matrix
    factorization. *Nature*, 401, 788–791; scikit-learn's ``NMF`` with NNDSVD initialisation.
    """
    if method not in METHODS:
        raise TopicError(f"unknown topic method {method!r}; use one of {', '.join(METHODS)}")
    texts = pd.Series(texts).astype("string").fillna("")
    lang = (pd.Series(lang, index=texts.index).astype("string").fillna("und") if lang is not None
            else pd.Series("und", index=texts.index, dtype="string"))
    seeded_langs = set(service_areas.area_terms(areas)["lang"]) if method == "seeded" else set()
    counts = lang.value_counts()
    big = [code for code, n in counts.items() if n >= min_posts and code != "und"]
    topic = pd.Series("other", index=texts.index, dtype="string")
    rows = []
    nmf = dict(n_topics=n_topics, seed=seed, max_fit=max_fit, n_words=n_words)
    for code in sorted(big):
        idx = lang.index[lang == code]
        words, inverse = content._per_text(texts.loc[idx].tolist(), code, content=method != "nmf-all-words")
        lists = words.lists()
        labels = np.empty(len(idx), dtype=object)
        rest = np.ones(len(idx), dtype=bool)
        if code in seeded_langs:
            area, names, word_area = service_areas.assign_areas(words.lengths, words.codes, words.words, code,
                                                                min_hits=min_hits, path=areas)
            multiplicity = np.bincount(inverse, minlength=len(words.lengths))
            rows += _area_rows(code, words, area, names, word_area, multiplicity, n_words)
            post_area = area[inverse]
            rest = post_area < 0
            labels[~rest] = [f"{code}:{names[a]}" for a in post_area[~rest].tolist()]
        if rest.sum() >= min_posts:
            labels[rest], found = _nmf([lists[j] for j in inverse[rest].tolist()], code, **nmf)
            rows += found
        else:
            labels[rest] = f"{code}:none"
        topic.loc[idx] = labels
    sizes = topic.value_counts()
    rows += [{"topic": label, "lang": label.split(":")[0], "source": "none", "top_words": "",
              "posts": int(sizes[label])} for label in sorted(sizes.index) if label.endswith(":none")]
    table = pd.DataFrame(rows, columns=["topic", "lang", "source", "top_words", "posts"]).set_index("topic")
    small = sizes.index[(sizes < min_size) & sizes.index.isin(table.index)]  # "other" stays
    pooled = topic.isin(small)
    topic[pooled] = topic[pooled].str.split(":").str[0] + ":small"
    table["in_model"] = pd.Series(table.index, index=table.index, dtype="string")
    in_small = table.index.isin(small)
    table.loc[in_small, "in_model"] = table.loc[in_small, "lang"] + ":small"
    return _largest_first(topic), table


def _largest_first(topic: pd.Series) -> pd.Series:
    """``topic`` as a categorical whose categories run from the most posts to the fewest (ties by name).

    A model's reference level is a factor's first category: the largest topic is a reference every
    other topic can be compared with, where the alphabetically first may be a handful of posts, all
    without comments, against which every other topic's ratio is infinite.

    >>> _largest_first(pd.Series(["b", "a", "b", "c", "c"])).cat.categories.tolist()
    ['b', 'c', 'a']
    """
    counts = topic.value_counts(sort=False)
    order = sorted(counts.index, key=lambda level: (-int(counts[level]), str(level)))
    return topic.astype(pd.CategoricalDtype(order))


def topic_tone_table(topic: pd.Series, tone: pd.Series, *, warn_share: float = 0.9,
                     min_posts: int = 20) -> pd.DataFrame:
    """Per topic: its posts with a tone, the share conversational, and a warning when it is one register.

    A topic of at least ``min_posts`` posts (formal or conversational; posts with no tone are not
    counted) of which at least ``warn_share`` are of one tone gets :data:`REGISTER_WARNING`: as a
    control it stands for tone more than for subject. Topics are in the order of their number of posts.

    >>> tone = pd.Series(["conversational"] * 3 + ["formal", "conversational"])
    >>> t = topic_tone_table(pd.Series(["a"] * 3 + ["b"] * 2), tone, min_posts=3)
    >>> t[["posts", "conversational"]].to_dict("list"), t["warning"].str.len().gt(0).tolist()
    ({'posts': [3, 2], 'conversational': [1.0, 0.5]}, [True, False])
    """
    if not 0.5 < warn_share <= 1:
        raise TopicError(f"warn_share must be above 0.5 and at most 1, not {warn_share!r}")
    topic = pd.Series(topic).astype("string")
    tone = pd.Series(tone, index=topic.index).astype("string")
    known = tone.isin(["formal", "conversational"]).fillna(False).astype(bool) & topic.notna()
    frame = pd.DataFrame({"topic": topic[known], "conversational": (tone[known] == "conversational").astype(float)})
    out = frame.groupby("topic", sort=True).agg(posts=("conversational", "size"), n=("conversational", "sum"))
    out["posts"] = out["posts"].astype("int64")
    out["conversational"] = out["n"] / out["posts"]
    # the larger tone's count over the posts: 9 of 10 is exactly 0.9, as warn_share is written
    one_register = np.maximum(out["n"], out["posts"] - out["n"]) / out["posts"]
    out = out.drop(columns="n")
    out["warning"] = np.where((out["posts"] >= min_posts) & (one_register >= warn_share), REGISTER_WARNING, "")
    out["warning"] = out["warning"].astype("string")
    return out.sort_values("posts", ascending=False, kind="stable")

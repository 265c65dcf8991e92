"""A scikit-learn tone classifier that researchers train on their own hand-coded posts.

>>> clf = ToneClassifier(lang="sv").fit(
...     ["Härmed kallas till sammanträde.", "Ansökan ska inkomma senast 1 mars.",
...      "Hej alla! Vi ses på lördag 😊", "Wow vad kul att ni kom! 🎉"],
...     ["formal", "formal", "conversational", "conversational"])
>>> clf.predict(["Kom och fika med oss på fredag! ☕", "Beslutet har fattats av nämnden."]).tolist()
['conversational', 'formal']
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import index as _index
from . import resources

__all__ = ["ToneClassifier"]


class ToneClassifier(ClassifierMixin, BaseEstimator):
    """Character and word n-grams plus the formality index's features, into a logistic regression.

    Parameters
    ----------
    lang : str or None
        Language of the texts (sv, nb, nn, da, en) for the index features; ``None`` detects it per
        text (:func:`kommunsocial.clean.detect_language`). A DataFrame ``X`` with a ``lang`` column
        overrides it. A text in ``und`` or another language gets the index inputs averaged over the
        five languages (:func:`kommunsocial.tone.index.design`), whatever the other texts are.
    C : float
        Inverse regularisation strength of the logistic regression.
    char_ngram_range, word_ngram_range : tuple
        N-gram ranges of the character (within word boundaries) and word TF-IDF features.
    index_features : bool
        Add the index's standardised inputs (officialese, passive, address, emoji …) as features.
    index_scale : float
        Multiplies the standardised index inputs, so they weigh against the many n-gram features.
    max_features : int or None
        Vocabulary size per n-gram vectoriser (most frequent kept).
    random_state : int, RandomState or None
        Passed to the logistic regression (its solver is deterministic; kept for the contract).

    Attributes
    ----------
    classes_ : ndarray of labels
    char_vectorizer_, word_vectorizer_ : fitted TfidfVectorizer (text input)
    scaler_ : fitted StandardScaler (numeric input)
    model_ : fitted LogisticRegression
    input_kind_ : "text" or "numeric"
    n_features_in_ : int (numeric input only)

    Notes
    -----
    ``X`` is an array-like of texts (list, Series, 1-D array, a one-column 2-D array of strings),
    or a DataFrame with a ``text`` column (and optionally ``lang``). A numeric 2-D array is taken
    as a precomputed feature matrix (for example :func:`kommunsocial.tone.score`'s feature columns)
    and standardised. Labels are any two or more classes, typically "formal" / "conversational".
    """

    def __init__(self, *, lang=None, C=10.0, char_ngram_range=(2, 5), word_ngram_range=(1, 2),
                 index_features=True, index_scale=0.5, max_features=50_000, random_state=None):
        self.lang = lang
        self.C = C
        self.char_ngram_range = char_ngram_range
        self.word_ngram_range = word_ngram_range
        self.index_features = index_features
        self.index_scale = index_scale
        self.max_features = max_features
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags

    # -- input handling ------------------------------------------------------------------------
    def _as_texts(self, X):
        """(texts, langs) for text input, or None for a numeric matrix."""
        if isinstance(X, pd.DataFrame):
            if "text" in X.columns:
                texts = X["text"].astype("string").fillna("").astype(str).to_numpy(dtype=object)
                langs = X["lang"].astype(object).to_numpy() if "lang" in X.columns else None
                return texts, langs
            X = X.to_numpy()
        if isinstance(X, pd.Series):
            return X.astype("string").fillna("").astype(str).to_numpy(dtype=object), None
        if isinstance(X, str):
            raise TypeError("X must be a list of texts, not a single string")
        if sp.issparse(X):
            return None
        arr = np.asarray(X)
        if arr.ndim == 1:
            if arr.dtype.kind in "OUS" and all(isinstance(v, str) for v in arr):
                return arr.astype(object), None
            if arr.dtype.kind in "OUS":
                return np.array(["" if v is None else str(v) for v in arr], dtype=object), None
            raise ValueError("1-D X must hold texts. Reshape your data: a numeric feature matrix must be "
                             "2-D, e.g. X.reshape(-1, 1) for a single feature")
        if arr.ndim == 2 and arr.dtype.kind in "OUS":
            # rows of strings (e.g. a DataFrame column as a 2-D array): a row's cells form its text
            return np.array([" ".join("" if v is None else str(v) for v in row) for row in arr], dtype=object), None
        return None

    def _langs(self, texts, langs):
        if langs is not None:
            out = pd.Series(langs, dtype=object).fillna("und").astype(str)
        elif self.lang is not None:
            if self.lang not in resources.LANGS:
                raise ValueError(f"lang={self.lang!r}: choose one of {', '.join(resources.LANGS)} or None")
            out = pd.Series([self.lang] * len(texts), dtype=object)
        else:
            from ..clean import detect_language

            out = detect_language(pd.Series(texts, dtype=object)).astype(object)
        # a text in und (too short to tell) or in a language without resources gets the index inputs
        # pooled over the five languages (as the index scores it): never the other texts' language
        return out.where(out.isin(resources.LANGS), _index.UND).to_numpy()

    def _index_block(self, texts, langs):
        z = _index.design(pd.Series(texts, dtype=object), langs)[1].to_numpy()
        return sp.csr_matrix(z * self.index_scale)

    def _text_matrix(self, texts, langs, *, fit):
        blocks = []
        if fit:
            self.char_vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                                                    lowercase=True, sublinear_tf=True,
                                                    max_features=self.max_features)
            self.word_vectorizer_ = TfidfVectorizer(analyzer="word", ngram_range=tuple(self.word_ngram_range),
                                                    lowercase=True, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b",
                                                    max_features=self.max_features)
            blocks.append(self.char_vectorizer_.fit_transform(texts))
            try:
                blocks.append(self.word_vectorizer_.fit_transform(texts))
            except ValueError:  # no word at all in the training texts
                self.word_vectorizer_ = None
        else:
            blocks.append(self.char_vectorizer_.transform(texts))
            if self.word_vectorizer_ is not None:
                blocks.append(self.word_vectorizer_.transform(texts))
        if self.index_features:
            blocks.append(self._index_block(texts, langs))
        return sp.hstack(blocks, format="csr")

    def _matrix(self, X, *, fit):
        parsed = self._as_texts(X)
        if fit:
            self.input_kind_ = "numeric" if parsed is None else "text"
        elif parsed is None and self.input_kind_ == "text":
            raise ValueError("this ToneClassifier was fitted on texts; X must be texts too")
        elif parsed is not None and self.input_kind_ == "numeric":
            raise ValueError("this ToneClassifier was fitted on a numeric matrix; X must be one too")
        if parsed is None:
            Xn = validate_data(self, X, reset=fit, accept_sparse=False, dtype=np.float64)
            if fit:
                self.scaler_ = StandardScaler().fit(Xn)
            return self.scaler_.transform(Xn)
        texts, langs = parsed
        if len(texts) == 0:
            raise ValueError("X has 0 texts; at least one is required")
        return self._text_matrix(texts, self._langs(texts, langs), fit=fit)

    # -- estimator API -------------------------------------------------------------------------
    def fit(self, X, y):
        """Learn from texts ``X`` (see the class notes) and their labels ``y``."""
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        M = self._matrix(X, fit=True)
        if M.shape[0] != len(y):
            raise ValueError(f"X has {M.shape[0]} samples but y has {len(y)} labels")
        self.model_ = LogisticRegression(C=self.C, max_iter=5000, random_state=self.random_state)
        self.model_.fit(M, y)
        self.classes_ = self.model_.classes_
        return self

    def decision_function(self, X):
        check_is_fitted(self, "model_")
        return self.model_.decision_function(self._matrix(X, fit=False))

    def predict_proba(self, X):
        """Probability of each class (columns in the order of ``classes_``)."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self._matrix(X, fit=False))

    def predict(self, X):
        check_is_fitted(self, "model_")
        return self.model_.predict(self._matrix(X, fit=False))

    def get_feature_names_out(self, input_features=None):
        """Names of the model's features: ``char:…``, ``word:…``, ``index:…`` (or the numeric inputs)."""
        check_is_fitted(self, "model_")
        if self.input_kind_ == "numeric":
            if input_features is not None:
                return np.asarray(input_features, dtype=object)
            names = getattr(self, "feature_names_in_", None)
            return np.asarray(names if names is not None else [f"x{i}" for i in range(self.n_features_in_)],
                              dtype=object)
        names = ["char:" + n for n in self.char_vectorizer_.get_feature_names_out()]
        if self.word_vectorizer_ is not None:
            names += ["word:" + n for n in self.word_vectorizer_.get_feature_names_out()]
        if self.index_features:
            names += ["index:" + n for n in _index.MODEL_FEATURES]
        return np.asarray(names, dtype=object)

    def coefficients(self) -> pd.DataFrame:
        """The fitted coefficients by feature name (binary models: towards ``classes_[1]``)."""
        check_is_fitted(self, "model_")
        coef = self.model_.coef_
        cols = [str(self.classes_[1])] if coef.shape[0] == 1 else [str(c) for c in self.classes_]
        return pd.DataFrame(coef.T, index=self.get_feature_names_out(), columns=cols)

    @classmethod
    def default(cls) -> "ToneClassifier":
        """The shipped default model: trained (deterministically) on the development set's train split.

        Trained at first use and cached for the session. Labels are "formal" / "conversational";
        give texts as a DataFrame with ``text`` and ``lang`` columns, or set ``lang`` on a copy.
        """
        return _default_model()


@lru_cache(maxsize=1)
def _default_model() -> ToneClassifier:
    dev = resources.devset()
    train = dev[dev["split"] == "train"]
    return ToneClassifier(random_state=0).fit(train[["text", "lang"]], train["label"].to_numpy())

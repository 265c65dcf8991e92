"""ToneClassifier: the scikit-learn contract and the quality bar of the shipped default model."""

import numpy as np
import pytest
from sklearn.metrics import f1_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from kommunsocial.tone import ToneClassifier, add_tone, resources


@parametrize_with_checks([ToneClassifier()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def default_predictions():
    dev = resources.devset()
    test = dev[dev["split"] == "test"]
    return test.assign(pred=ToneClassifier.default().predict(test[["text", "lang"]]))


@pytest.mark.parametrize("lang", resources.LANGS)
def test_default_model_quality_bar(default_predictions, lang):
    g = default_predictions[default_predictions["lang"] == lang]
    assert f1_score(g["label"], g["pred"], average="macro") >= 0.93


def test_default_model_is_deterministic_and_cached():
    a = ToneClassifier.default()
    assert a is ToneClassifier.default()
    dev = resources.devset()
    train = dev[dev["split"] == "train"]
    b = ToneClassifier(random_state=0).fit(train[["text", "lang"]], train["label"].to_numpy())
    assert np.array_equal(a.model_.coef_, b.model_.coef_)


def test_feature_names_match_coefficients():
    clf = ToneClassifier(lang="sv").fit(["Härmed kallas till möte.", "Hej alla, vi ses! 😊"] * 3,
                                        ["formal", "conversational"] * 3)
    names = clf.get_feature_names_out()
    assert len(names) == clf.model_.coef_.shape[1]
    assert "index:officialese" in names and any(n.startswith("char:") for n in names)
    assert clf.coefficients().shape == (len(names), 1)


def test_params_are_stored_untouched():
    clf = ToneClassifier(C=3.0, lang="nb", random_state=7)
    assert clf.get_params()["C"] == 3.0 and clf.get_params()["lang"] == "nb"
    with pytest.raises(ValueError, match="choose one of"):
        ToneClassifier(lang="xx").fit(["a b c", "d e f"], ["formal", "conversational"])


def test_add_tone_with_the_classifier():
    import pandas as pd

    posts = pd.DataFrame({"post_id": ["1", "2"], "lang": ["sv", "sv"],
                          "text": ["Ansökan ska inkomma i enlighet med gällande regler.",
                                   "Hej! Kul att ni kom, vi ses snart igen 😊"]})
    out = add_tone(posts, tone_method="classifier")
    assert out["tone"].tolist() == ["formal", "conversational"]
    assert out["formality"].between(0, 100).all()
    with pytest.raises(ValueError, match="tone_method=.magic."):
        add_tone(posts, tone_method="magic")

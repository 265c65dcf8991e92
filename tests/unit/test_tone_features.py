"""Formality features on tiny texts, each value worked out by hand in the comment beside it."""

import math

import numpy as np
import pandas as pd
import pytest

from kommunsocial.tone import features as F
from kommunsocial.tone import resources


def feats(text, lang="sv"):
    return F.features([text], lang=lang).iloc[0]


def test_lix_officialese_nominal_by_hand():
    # words: kommunen(8) tillhandahåller(15) information(11) ansökan(7) ska(3) inkomma(7) = 6 words,
    # 2 sentences, 5 words longer than 6 letters -> LIX = 6/2 + 100*5/6 = 86.33;
    # officialese: tillhandahåller (lemma tillhandahålla) + inkomma = 2 -> 2/6*100 = 33.33 per 100 words;
    # nominal: information (-tion) = 1 -> 16.67; long words 5/6 = 83.33 %
    f = feats("Kommunen tillhandahåller information. Ansökan ska inkomma.")
    assert f["n_words"] == 6 and f["n_sentences"] == 2
    assert f["lix"] == pytest.approx(6 / 2 + 100 * 5 / 6)
    assert f["officialese"] == pytest.approx(200 / 6)
    assert f["nominal"] == pytest.approx(100 / 6)
    assert f["long_words"] == pytest.approx(500 / 6)
    assert f["s_passive"] == 0


def test_whole_words_only():
    assert feats("Samtal om skolan, hej hej")["_officialese_n"] == 0  # "samt" not in "samtal", "ej" not in "hej"
    assert feats("Böcker samt tidningar, ej lån")["_officialese_n"] == 2  # samt, ej


def test_phrases_and_inflected_lemmas():
    # "i enlighet med" (phrase) + "erhöll" (past tense of erhålla) + "vederbörande" = 3
    assert feats("I enlighet med beslutet erhöll vederbörande stöd")["_officialese_n"] == 3


def test_markers_longest_first_and_ambiguous_half_weight():
    # "hej hej" is one greeting, "hej på er" another; the "er" inside it is not also address
    f = feats("Hej hej och hej på er")
    assert f["greetings"] == 2 and f["_address_n"] == 0
    assert feats("Vad gör dom nu")["colloquial"] == 0.5  # "dom" is also "court ruling": counts half
    assert feats("Asså vad kul")["colloquial"] == 1.5  # asså 1 + kul ½


def test_emoji_count_once_per_sequence():
    # a skin-toned thumb, a ZWJ family and a flag: three emoji
    assert feats("Bra jobbat 👍🏽 👩‍👩‍👧 🇸🇪 alla")["emoji"] == 3


def test_questions_and_exclamations_runs():
    f = feats("Vet du vad?? Vi har öppet! Kom!!! Eller?")
    assert f["questions"] == 2 and f["exclamations"] == 2


@pytest.mark.parametrize("lang,text,hits", [
    ("sv", "Ansökan meddelas och sökande ombeds vänta", 2),  # meddelas, ombeds
    ("sv", "Det finns plats i kommunens lokaler, vi ses", 0),  # deponent, genitive, reciprocal
    ("nb", "Søknaden sendes inn og spørsmål rettes til oss", 2),  # sendes, rettes
    ("nb", "Det finnes plass", 0),  # deponent
    ("nn", "Søknaden skal sendast inn og vert handsama", 2),  # skal sendast, vert
    ("da", "Ansøgningen behandles og indkaldes", 2),
    ("en", "Applications are required and will be reviewed", 2),  # are required, be reviewed
])
def test_passive_rules(lang, text, hits):
    assert F.features([text], lang=lang)["_s_passive_n"].iloc[0] == hits


def test_ovix_only_for_long_texts():
    assert math.isnan(feats("En kort text med några ord i sig")["ovix"])
    # 60 words, 30 distinct (each twice): OVIX = ln 60 / ln(2 - ln 30 / ln 60)
    words = [f"ord{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(30)]
    text = " ".join(words + words)
    f = feats(text)
    assert f["n_words"] == 60
    assert f["ovix"] == pytest.approx(math.log(60) / math.log(2 - math.log(30) / math.log(60)))


def test_empty_text_and_index_kept():
    s = pd.Series(["", "Hej"], index=[10, 20])
    out = F.features(s, lang="sv")
    assert list(out.index) == [10, 20]
    assert out.loc[10, "n_words"] == 0 and np.isnan(out.loc[10, "lix"])


def test_bad_language_is_a_clear_error():
    with pytest.raises(ValueError, match="no tone resources"):
        F.features(["Hei"], lang="fi")


def test_every_language_has_resources():
    for lang in resources.LANGS:
        assert len(resources.lexicon(lang)) >= 90
        assert set(resources.markers(lang)["kind"]) == {"address", "we", "i", "greeting", "signoff",
                                                        "interjection", "colloquial"}

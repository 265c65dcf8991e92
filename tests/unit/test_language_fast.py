"""The language fast path: which texts CLD2 decides at once and which it leaves to lingua."""

import pandas as pd
import pytest

from kommunsocial import language
from kommunsocial.language import FAST_MIN_CHARS, detect_language

#: Long, clear municipal sentences (hand-written): the fast path decides each, lingua is not asked.
CLEAR = {
    "sv": "Vi har öppet hela sommaren och ser fram emot att träffa er igen efter semestern.",
    "nb": "Biblioteket har åpent hele sommeren, og vi gleder oss til å se dere igjen etter ferien.",
    "nn": "Biblioteket har ope heile sommaren, og vi gler oss til å sjå dykk igjen etter ferien.",
    "da": "Biblioteket har åbent hele sommeren, og vi glæder os til at se jer igen efter ferien.",
    "fi": "Kirjasto on auki koko kesän ja odotamme näkevämme teidät taas loman jälkeen.",
    "en": "We are open all summer and we look forward to seeing you again after the holidays.",
}

#: Texts the fast path leaves to lingua, and why; lingua's answer is the reference one.
LEFT = {
    # shorter than FAST_MIN_CHARS: lingua's n-grams read short texts better
    "nb": ("Nå er det snart helg igjen", "short"),
    # CLD2 reads it as Bokmål, but it holds no word Norwegian writes and Danish does not
    "da": ("Det skal være folkevalgte politikere der bestemmer i kommunen, ikke andre.", "no own word"),
    # Bokmål with one Danish word (efter): mixed, so lingua weighs it
    "nb, mixed": ("Biblioteket har åpent hele sommeren, og vi gleder oss til å se dere igjen efter ferien.",
                  "another's word"),
    # CLD2 says English, but Danish function words are there
    "da, English start": ("Thanks for the info, vi ses på biblioteket i morgen med hele familien.", "nordic words"),
}


def _fast(text):
    return language._fast_language(text, set(language._WORD.findall(text.lower())))


@pytest.mark.parametrize("lang", list(CLEAR))
def test_a_long_clear_text_is_decided_by_the_fast_path(lang):
    assert len(CLEAR[lang]) >= FAST_MIN_CHARS
    assert _fast(CLEAR[lang]) == lang


def test_clear_texts_never_reach_lingua(monkeypatch):
    def no_lingua(*args):
        raise AssertionError(f"lingua asked ({args})")

    monkeypatch.setattr(language, "_detector", no_lingua)
    assert detect_language(list(CLEAR.values())).tolist() == list(CLEAR)


@pytest.mark.parametrize("key", list(LEFT))
def test_short_mixed_or_unsure_texts_go_to_lingua(key):
    text, why = LEFT[key]
    assert (len(text) < FAST_MIN_CHARS) == (why == "short")
    assert _fast(text) is None
    expected = key.split(",")[0]
    # lingua decides them, as it did before the fast path
    assert detect_language([text]).tolist() == detect_language([text], fast=False).tolist() == [expected]


def test_text_cld2_cannot_take_goes_to_lingua():
    # a control character is invalid input to CLD2 (pycld2.error): lingua reads the text instead
    text = CLEAR["sv"].replace("fram", "fram \x7f")
    assert _fast(text) is None
    assert detect_language([text]).tolist() == ["sv"]
    assert _fast(CLEAR["sv"] + " \ud800") is None  # a lone surrogate cannot be encoded for CLD2


def test_endings_are_evidence_where_no_listed_word_is():
    # no word of the lists, but Norwegian -sjon (Danish writes -tion), Nynorsk -leg (Bokmål -lig)
    nb = "Mer informasjon om kommunens planer for vinteren finner du på kommunens nettside."
    nb_words = set(language._WORD.findall(nb.lower()))
    assert nb_words.isdisjoint(language._NORWEGIAN_NOT_DANISH)
    assert _fast(nb) == "nb"
    nn = "Det er vanleg at vegane blir brøyta før klokka sju om morgonen i kommunen."
    assert set(language._WORD.findall(nn.lower())).isdisjoint(language._NYNORSK_NOT_BOKMAL)
    assert _fast(nn) == "nn"
    # and a Bokmål ending (-sjoner, Nynorsk -sjonar) in a text CLD2 calls Nynorsk keeps it from the fast path
    mixed = nn.replace("kommunen.", "kommunen, etter nye instruksjoner.")
    assert _fast(mixed) is None
    assert detect_language([mixed]).tolist() == ["nn"]  # lingua's answer


def test_fast_path_is_as_accurate_as_lingua_on_the_development_set():
    from kommunsocial.tone import resources

    dev = resources.devset()
    truth = dev["lang"].astype(str).reset_index(drop=True)
    before = detect_language(dev["text"], fast=False).astype(str).reset_index(drop=True)
    after = detect_language(dev["text"]).astype(str).reset_index(drop=True)
    right = pd.DataFrame({"lang": truth, "before": before == truth, "after": after == truth})
    per_lang = right.groupby("lang")[["before", "after"]].sum()
    assert (per_lang["after"] >= per_lang["before"]).all(), per_lang
    assert (after == "und").sum() == (before == "und").sum()  # the same texts are too short either way


def test_the_data_model_states_the_fast_path_thresholds():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert f"A text of {FAST_MIN_CHARS} characters or more is first read" in " ".join(doc.split())
    assert f"at least {language.FAST_MIN_PERCENT} % of the text" in " ".join(doc.split())


def test_without_pycld2_every_text_goes_to_lingua(monkeypatch):
    # pycld2 is a dependency only where it has a wheel; elsewhere detection is lingua's alone
    texts = ["Kommunen informerar om att snöröjningen pågår i hela centrala staden i dag.",
             "Vi har opna biblioteket igjen etter sommarferien, og vi gler oss til å sjå dykk!",
             "Hej!"]
    monkeypatch.setattr(language, "fast_path_available", lambda: False)
    monkeypatch.setattr(language, "_fast_language", lambda *a, **k: pytest.fail("the fast path was asked"))
    assert language.detect_language(texts).tolist() == language.detect_language(texts, fast=False).tolist()

"""Question detection in sv, nb, nn, da and en: each rule with examples that must and must not match."""

import pandas as pd
import pytest

from kommunsocial.network import is_question

QUESTIONS = {
    "sv": ["Hur länge ska vägen vara avstängd", "vad kostar det", "När öppnar simhallen",
           "Varför har sopbilen inte kommit", "Vem ska man ringa", "Vilken tid slutar det", "Kan man parkera där",
           "Får man grilla vid badplatsen", "Finns det parkering", "Är det säkert att dricka vattnet",
           "Tack för infon. Gäller det hela kommunen"],
    "nb": ["Hvordan søker man", "Hva koster det", "Når åpner badet", "Hvorfor er vannet brunt", "Hvem har ansvaret",
           "Kan man parkere der", "Finnes det parkering", "Er det trygt å drikke vannet", "Hvor kan jeg hente sand"],
    "nn": ["Korleis søkjer eg", "Kva kostar det", "Kvifor er vatnet brunt", "Kven har ansvaret",
           "Kvar kan eg hente sand", "Får eg parkere der", "Finst det parkering", "Er det trygt"],
    "da": ["Hvad koster det", "Hvornår åbner svømmehallen", "Hvorfor er vandet brunt", "Hvem har ansvaret",
           "Kan man parkere der", "Findes der parkering", "Er det sikkert"],
    "en": ["How long will the road be closed", "What does it cost", "When does the pool open", "Why is the water brown",
           "Can I park there", "Is it safe to drink the water", "Does the bus run today"],
}
STATEMENTS = {
    "sv": ["Tack för infon!", "Ring växeln så hjälper de dig.", "Kan tänka mig det.", "Det gäller hela kommunen.",
           "Bra jobbat 👍", "Läs mer på https://kommun.se/info?id=3", "Var försiktiga på vägarna!"],
    "nb": ["Takk for info!", "Ring sentralbordet.", "Det gjelder hele kommunen.", "Hvis du lurer, ring oss."],
    "nn": ["Takk for informasjonen.", "Det gjeld heile kommunen."],
    "da": ["Tak for info!", "Det gælder hele kommunen.", "Ring til borgerservice."],
    "en": ["Thanks for the update!", "Great job.", "Call the office for help."],
}


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_questions_without_a_question_mark_are_found(lang):
    found = is_question(QUESTIONS[lang], lang)
    assert found.all(), [t for t, q in zip(QUESTIONS[lang], found) if not q]
    assert is_question(QUESTIONS[lang]).all()  # the union of the word lists finds them too


@pytest.mark.parametrize("lang", sorted(STATEMENTS))
def test_statements_are_not_questions(lang):
    found = is_question(STATEMENTS[lang], lang)
    assert not found.any(), [t for t, q in zip(STATEMENTS[lang], found) if q]


def test_question_mark_mentions_and_links():
    texts = ["Stämmer det?", "Ok?? Skämt.", "@Anna Kan du inte bara ringa?", "https://x.se/?q=1 tack",
             "Se www.kommun.se/sida?id=9", "", None]
    assert is_question(texts).tolist() == [True, True, True, False, False, False, False]


def test_sentence_openings_after_emoji_and_line_breaks():
    assert is_question(["Snyggt 😍 hur gick det till"], "sv").tolist() == [True]
    assert is_question(["Tack\nnär kommer plogbilen"], "sv").tolist() == [True]


def test_language_per_text_and_the_index_is_kept():
    texts = pd.Series(["Korleis søkjer eg", "Korleis søkjer eg", "Hvis du vil"], index=[10, 20, 30])
    out = is_question(texts, ["nn", "sv", "und"])
    # "korleis" is Nynorsk only: with lang "sv" it is not a question word; "und" uses all languages
    assert out.to_dict() == {10: True, 20: False, 30: False}
    with pytest.raises(ValueError, match="one per text"):
        is_question(["a", "b"], ["sv"])

"""The index's misreadings of real posts, each fixed and checked on hand-made examples in every language.

Content-free text has no score; links, addresses, entities and mentions are not read; short texts'
ratios are shrunk towards the language's typical value; a text's score never depends on the other
texts of the call; periphrastic passives, institutional "we", closing questions and emoji bullets
are read as register, not as chat.
"""

import numpy as np
import pandas as pd
import pytest

from kommunsocial.tone import ToneClassifier, add_tone, explain, index, resources, summaries
from kommunsocial.tone import features as F
from kommunsocial.tone.tagging import has_text
from kommunsocial.tone.text import has_words, strip_noise

LANGS = resources.LANGS

#: A short formal notice per language (two sentences).
NOTICE = {
    "sv": "Kallelse till sammanträde med kommunfullmäktige. Handlingarna finns tillgängliga på kommunens webbplats.",
    "nb": "Innkalling til møte i kommunestyret. Saksdokumentene er tilgjengelige på kommunens nettsider.",
    "nn": "Innkalling til møte i kommunestyret. Saksdokumenta er tilgjengelege på nettsidene til kommunen.",
    "da": "Indkaldelse til møde i byrådet. Dagsordenen er tilgængelig på kommunens hjemmeside.",
    "en": "Notice of a meeting of the full council. The agenda is available on the council website.",
}

CONTENT_FREE = ["", None, "   \n\t", "https://example-kommun.se/kf?utm_source=fb&fbclid=IwAR0x",
                "example-kommun.se/protokoll", "www.kommune.no", "#snöröjning #vinter", "@kommunen @[person]",
                "😊🎉👍🏽", "info@example-kommun.se", "10:00 – 12:00", "&amp; &#8217;", "[person]"]


# -- 1. content-free text ------------------------------------------------------------------------
@pytest.mark.parametrize("lang", [*LANGS, "und"])
def test_content_free_text_has_no_score_and_tone_und(lang):
    out = index.score(pd.Series(CONTENT_FREE, dtype=object), lang=lang)
    assert out["formality"].isna().all()
    assert out["tone"].tolist() == ["und"] * len(CONTENT_FREE)
    assert (out["n_words"] == 0).all()


def test_explain_says_a_content_free_text_has_no_score():
    e = explain("https://example-kommun.se/kf?utm_source=fb #kf", "sv")
    assert np.isnan(e.attrs["formality"]) and e.attrs["tone"] == "und"
    assert e["contribution"].isna().all()


def test_content_free_is_one_definition_for_the_index_add_tone_and_the_reports():
    texts = pd.Series(CONTENT_FREE + ["Hej!", "Läs mer på example-kommun.se/kf", "#kf Möte i kväll", "ok 👍"],
                      dtype=object)
    words = has_text(texts)
    assert words.tolist() == [False] * len(CONTENT_FREE) + [True] * 4
    assert words.tolist() == has_words(texts.tolist()).tolist()
    for lang in LANGS:
        assert (index.score(texts, lang=lang)["n_words"] > 0).tolist() == words.tolist()
    posts = pd.DataFrame({"post_id": [str(i) for i in range(len(texts))], "text": texts, "lang": "sv",
                          "page": "A"})
    for method in ("index", "classifier"):
        toned = add_tone(posts, tone_method=method)
        assert toned["formality"].notna().tolist() == words.tolist()
        # analyses drop them: neither formal nor conversational
        assert toned["tone"].isna().tolist() == (~words).tolist()
    note = summaries.not_scored(add_tone(posts))
    assert note.startswith(f"{len(CONTENT_FREE)} of {len(texts)} posts have no text")


# -- 2. links, addresses, entities, mentions ---------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_links_addresses_mentions_and_entities_are_not_read(lang):
    text = NOTICE[lang]
    first, second = text.split(". ", 1)
    variants = [text + " https://example-kommun.se/kf?utm_source=facebook&utm_medium=social&fbclid=IwAR0x",
                text + " example-kommun.se/protokoll", f"{first}. www.example.no/sak?id=7 {second}",
                text + " info@example-kommun.se", f"@kommunen {text} #kf @[person]",
                text + " https://example.dk/a?b=1&amp;c=2", f"{first}. t.co/Ab12Cd {second}"]
    base = index.score([text], lang=lang)
    out = index.score(variants, lang=lang)
    # bit for bit the score of the notice alone: nothing of the links was counted, no "?" a question
    assert (out["formality"] == base["formality"].iloc[0]).all()
    assert (out["questions"] == 0).all() and (out["n_words"] == base["n_words"].iloc[0]).all()


@pytest.mark.parametrize("lang", LANGS)
def test_html_entities_are_read_as_their_characters(lang):
    text = NOTICE[lang]
    escaped = text.replace(". ", " &amp; &quot;x&quot; &#8217; &#x27;. ", 1)
    plain = text.replace(". ", " & \"x\" ’ '. ", 1)
    assert strip_noise(escaped) == plain
    both = F.features([escaped, plain], lang=lang)
    pd.testing.assert_series_equal(both.iloc[0], both.iloc[1], check_names=False)
    assert both["n_words"].iloc[0] == F.features([text], lang=lang)["n_words"].iloc[0] + 1  # the word x
    assert strip_noise("&amp;amp; &para &paragraph") == "& &para &paragraph"  # twice escaped; no ;, no entity


def test_what_is_a_link_and_what_is_not():
    kept = "t.ex. bl.a. kl.10 3.5 Slut.Se här e.g. i.e. a.m."
    assert strip_noise(kept) == kept
    assert strip_noise("växjö.se/a, sv.wikipedia.org/wiki/X). Sen") == " ,  ). Sen"
    assert strip_noise("Läs https://a.se/x?y=1. Frågor?") == "Läs  . Frågor?"


# -- 3. short texts ---------------------------------------------------------------------------------
WELCOME = {"sv": "Välkommen", "nb": "Velkommen", "nn": "Velkomen", "da": "Velkommen", "en": "Welcome"}


@pytest.mark.parametrize("lang", LANGS)
def test_short_texts_ratios_are_shrunk_towards_the_typical_value(lang):
    word = WELCOME[lang]
    typ, k, s = index.TYPICAL[lang], index.SHRINK_WORDS, index.SHRINK_SENTENCES
    e = explain(word, lang)
    # one word of more than six letters: not 100 % long words but (1 + K × typical) / (1 + K)
    assert e.loc["long_words", "value"] == pytest.approx((1 + k * typ["long_words"]) / (1 + k))
    assert e.loc["word_length", "value"] == pytest.approx((len(word) + k * typ["word_length"]) / (1 + k))
    # LIX: (1 + S × typical words per sentence) / (1 + S) + 100 × the shrunk share
    assert e.loc["lix", "value"] == pytest.approx((1 + s * typ["words_per_sentence"]) / (1 + s)
                                                  + 100 * (1 + k * typ["long_words"]) / (1 + k))
    # markers are shrunk towards none: no "!" is no evidence (0), one "!" in one sentence is 1 / (1 + S)
    bang = explain(word + "!", lang)
    assert e.loc["exclamations", "value"] == 0 and e.loc["exclamations", "contribution"] == 0
    assert bang.loc["exclamations", "value"] == pytest.approx(1 / (1 + s))
    # the "!" moves the exclamation input alone: every other contribution is the same
    others = e.index.drop(["exclamations", "(intercept)"])
    pd.testing.assert_series_equal(e.loc[others, "contribution"], bang.loc[others, "contribution"])


# -- 4. batch independence ------------------------------------------------------------------------
SHORT = ["Välkomna alla!", "Velkommen!", "Tusen takk", "Tak for i dag", "Thanks all", "Stängt idag.", "ok"]


def test_the_same_text_scores_bit_identically_alone_and_in_any_batch():
    norwegian = ["Kommunestyret behandler saken i møtet på torsdag.", "Vi gleder oss til å se dere alle!"] * 3
    english = ["The council will consider the application on Thursday.", "See you all there!"] * 4
    for lang in ("und", None):
        for text in SHORT:
            alone = index.score([text], lang=lang)
            in_a = index.score(norwegian + [text], lang=lang).iloc[[-1]]
            in_b = index.score([text] + english, lang=lang).iloc[[0]]
            for got in (in_a, in_b):
                pd.testing.assert_frame_equal(got.reset_index(drop=True), alone, check_exact=True)
    # a detected und stays und: read in all five languages, not in the batch's majority
    assert index.score(norwegian + ["Välkomna alla!"])["lang"].iloc[-1] == "und"


def test_add_tone_and_the_classifier_do_not_look_at_the_other_posts():
    texts = ["Välkomna alla!", "Tusen takk", "Stängt idag."]
    one = pd.DataFrame({"text": texts, "lang": "und"})
    other = pd.DataFrame({"text": ["Kommunestyret behandler saken i møtet på torsdag."] * 5 + texts,
                          "lang": ["nb"] * 5 + ["und"] * 3})
    clf = ToneClassifier.default()
    for method in ("index", "classifier"):
        a = add_tone(one, tone_method=method)["formality"].to_numpy()
        b = add_tone(other, tone_method=method)["formality"].to_numpy()[5:]
        assert np.array_equal(a, b)
    p_one = clf.predict_proba(one)
    p_other = clf.predict_proba(other)[5:]
    assert np.array_equal(p_one, p_other)


# -- 5. register markers -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang,text,hits", [
    ("sv", "Mannen blev gripen i natt och har blivit förhörd", 2),  # blev gripen, blivit förhörd
    ("sv", "Vi blev glada och det blir bra", 0),  # adjectives after the auxiliary
    ("nb", "Mannen ble slått ned og gjerningsmannen er pågrepet", 2),  # ble slått, er pågrepet
    ("nb", "Saken er ikke blitt sendt", 1),  # blitt sendt (after an auxiliary and an adverb: once)
    ("nb", "Jeg ble glad og det er godt", 0),
    ("nn", "Mannen blei slått ned og saka er meld", 2),  # blei slått, er meld
    ("da", "Manden blev anholdt og er blevet sigtet", 2),  # blev anholdt, blevet sigtet
    ("da", "Det er godt og vi blev glade", 0),
    ("en", "The man was arrested and has been charged", 2),  # was arrested, been charged
])
def test_periphrastic_passives(lang, text, hits):
    assert F.features([text], lang=lang)["_s_passive_n"].iloc[0] == hits


#: An incident report per language (four sentences), an institutional "we" and a closing question.
REPORT = {
    "sv": ("Vid 22-tiden i går kväll larmades räddningstjänsten till en brand i ett flerfamiljshus på Källvägen. "
           "Branden släcktes efter en timme och ingen person skadades. Tre lägenheter har blivit rökskadade och "
           "de boende har fått tillfälligt boende genom kommunen. Orsaken till branden utreds av polisen.",
           "Vi har öppnat en stödlinje för berörda.", "Har du sett något?"),
    "nb": ("Ved 22-tiden i går kveld ble brannvesenet varslet om brann i en boligblokk i Kildeveien. Brannen ble "
           "slukket etter en time, og ingen personer ble skadet. Tre leiligheter er røykskadet, og beboerne har "
           "fått midlertidig bolig gjennom kommunen. Årsaken til brannen blir etterforsket av politiet.",
           "Vi oppretter en støttetelefon for berørte.", "Har du sett noe?"),
    "nn": ("Ved 22-tida i går kveld vart brannvesenet varsla om brann i ei bustadblokk i Kjeldevegen. Brannen vart "
           "sløkt etter ein time, og ingen personar vart skadde. Tre leilegheiter er røykskadde, og bebuarane har "
           "fått mellombels bustad gjennom kommunen. Årsaka til brannen blir etterforska av politiet.",
           "Me opprettar ein støttetelefon for dei som er råka.", "Har du sett noko?"),
    "da": ("Ved 22-tiden i går aftes blev brandvæsenet tilkaldt til en brand i en boligblok på Kildevej. Branden "
           "blev slukket efter en time, og ingen personer kom til skade. Tre lejligheder er røgskadet, og beboerne "
           "har fået midlertidig bolig gennem kommunen. Årsagen til branden efterforskes af politiet.",
           "Vi opretter en støttelinje for berørte.", "Har du set noget?"),
    "en": ("At around 10pm last night the fire service was called to a fire in a block of flats on Spring Road. "
           "The fire was put out after an hour and nobody was injured. Three flats have been damaged by smoke, and "
           "the residents have been given temporary housing by the council. The cause of the fire is being "
           "investigated by the police.",
           "We are setting up a support line for those affected.", "Did you see anything?"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_report_stays_formal_with_an_institutional_we_and_a_closing_question(lang):
    report, we, question = REPORT[lang]
    out = index.score([report, f"{report} {we}", f"{report} {question}", f"{report} {we} {question}"],
                      lang=lang)["formality"].tolist()
    # formal throughout: neither an institutional "we" nor one closing question to the reader flips it.
    # The question does move it (on real text a question to "you" is strong conversational evidence:
    # fitted on the real development set too), the "we" in one sentence of five barely.
    assert min(out) >= 50
    assert out[0] - out[1] < 5


def test_a_closing_question_does_not_flip_formal_reports_of_the_test_split():
    question = {"sv": "Har du frågor?", "nb": "Har du spørsmål?", "nn": "Har du spørsmål?",
                "da": "Har du spørgsmål?", "en": "Any questions?"}
    dev = resources.devset()
    test = dev[(dev["split"] == "test") & (dev["label"] == "formal")]
    base = index.score(test["text"], lang=test["lang"].to_numpy())
    reports = (base["n_sentences"] >= 3) & (base["tone"] == "formal")
    assert reports.sum() >= 30
    asked = index.score(test["text"] + " " + test["lang"].map(question), lang=test["lang"].to_numpy())
    # at most one report in ten: a short report whose one question to "you" is a third of its sentences
    assert (asked.loc[reports, "tone"] != "formal").sum() <= 0.1 * reports.sum()


BULLETS = {
    "sv": "Vattenavstängning på Storgatan\n{0}Berörda fastigheter informeras per brev\n{1}Storgatan 1–15\n"
          "{2}Vattnet återkommer kl. 15",
    "nb": "Vannet stenges i Storgata\n{0}Berørte abonnenter varsles per brev\n{1}Storgata 1–15\n"
          "{2}Vannet kommer tilbake kl. 15",
    "nn": "Vatnet blir stengt i Storgata\n{0}Abonnentane blir varsla per brev\n{1}Storgata 1–15\n"
          "{2}Vatnet kjem tilbake kl. 15",
    "da": "Vandet lukkes på Storegade\n{0}Berørte ejendomme varsles pr. brev\n{1}Storegade 1–15\n"
          "{2}Vandet kommer tilbage kl. 15",
    "en": "Water off on High Street\n{0}Affected properties are notified by letter\n{1}High Street 1–15\n"
          "{2}Water back on at 3pm",
}


@pytest.mark.parametrize("lang", LANGS)
def test_emoji_bullets_are_layout_not_tone(lang):
    emoji_list = BULLETS[lang].format("➡️ ", "📍 ", "✅ ")
    dash_list = BULLETS[lang].format("- ", "- ", "- ")
    out = index.score([emoji_list, dash_list], lang=lang)
    assert out["emoji"].tolist() == [0, 0] and out["bullets"].tolist() == [3, 0]
    assert out["formality"].iloc[0] == out["formality"].iloc[1]  # read exactly as a dashed list
    # one line opening with an emoji is a decoration, not a list: it stays an emoji
    one = F.features(["🎉 " + NOTICE[lang]], lang=lang).iloc[0]
    assert one["emoji"] == 1 and one["bullets"] == 0


# -- 6. coarseness ----------------------------------------------------------------------------------
def test_scores_are_continuous():
    dev = resources.devset()
    scored = index.score(dev["text"], lang=dev["lang"].to_numpy())
    assert scored["formality"].nunique() == len(dev[["text", "lang"]].drop_duplicates())
    # two texts alike in words, long words and sentences differ by their word length
    a, b = index.score(["Vi ses i morgon", "Vi hörs i kväll"], lang="sv")["formality"]
    assert a != b

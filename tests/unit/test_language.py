"""The language module: detection with ``other``, code normalisation, the platform's field preferred,
and the posts tone does not score, counted."""

import json

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial import language
from kommunsocial.errors import KommunsocialError, SchemaError
from kommunsocial.language import LanguageCodeError, combine_languages, detect_language, normalise_language
from kommunsocial.tone import summaries

#: Hand-written municipal sentences, one per language; the foreign ones must never become Nordic.
TEXTS = {
    "sv": "Biblioteket är stängt på lördag, välkomna tillbaka på måndag!",
    "nb": "Biblioteket er stengt på lørdag, velkommen tilbake på mandag!",
    "nn": "Biblioteket er stengt på laurdag, velkomne tilbake på måndag!",
    "da": "Biblioteket er lukket på lørdag, velkommen tilbage på mandag!",
    "fi": "Kirjasto on suljettu lauantaina, tervetuloa takaisin maanantaina!",
    "en": "The library is closed on Saturday, welcome back on Monday!",
    "pt": "A prefeitura informa que a coleta de lixo será feita amanhã pela manhã.",
    "pt, no accents": "Obrigado a todos que vieram ao evento de hoje",
    "es": "El ayuntamiento informa que mañana no habrá recogida de basura en el centro.",
    "es, no accents": "Gracias a todos por venir hoy a la fiesta del pueblo",
    "de": "Die Gemeinde informiert, dass die Bibliothek am Samstag geschlossen ist.",
    "de, no ß": "Wir wünschen allen einen schönen Sommer und viel Spaß",
    "tr": "Belediye yarın sabah çöplerin toplanmayacağını bildirdi.",
    "fr": "La mairie informe que la bibliothèque sera fermée samedi prochain.",
    "nl": "De gemeente laat weten dat de bibliotheek zaterdag gesloten is voor iedereen.",
    "pl": "Gmina informuje, że biblioteka będzie zamknięta w sobotę.",
    "it": "Il comune informa che la biblioteca sarà chiusa sabato prossimo.",
    "is": "Sveitarfélagið tilkynnir að bókasafnið verði lokað á laugardaginn.",
    "so": "Maktabadda waa xiran tahay sabtida iyo axadda",
    "ar": "تعلن البلدية أن المكتبة ستكون مغلقة يوم السبت",
    "ru": "Администрация сообщает, что библиотека будет закрыта в субботу.",
}


def test_each_language_detected_and_every_foreign_text_other():
    got = dict(zip(TEXTS, detect_language(list(TEXTS.values())).tolist()))
    for key, code in got.items():
        expected = key if key in language.DETECTED else "other"
        assert code == expected, (key, code)


def test_foreign_names_do_not_make_a_nordic_text_foreign():
    texts = ["Tack José Muñoz för en fin dag i parken med alla barnen",
             "Gratulerer til Gülşen og Łukasz med flott innsats i dag, godt jobba alle sammen"]
    assert detect_language(texts).tolist()[0] == "sv"
    assert detect_language(texts).tolist()[1] in ("nb", "nn")


def test_too_short_is_und_and_each_distinct_text_detected_once(monkeypatch):
    calls = []
    real = language._detector

    def counting(*args):
        detector = real(*args)

        class Wrapped:  # records the texts each of lingua's batch methods gets
            def __getattr__(self, name):
                def call(texts):
                    calls.append((args, list(texts)))
                    return getattr(detector, name)(texts)
                return call
        return Wrapped()

    monkeypatch.setattr(language, "_detector", counting)
    texts = ["Hej!", TEXTS["sv"], TEXTS["sv"], TEXTS["pt"], "", None]
    out = detect_language(texts, fast=False)
    assert out.tolist() == ["und", "sv", "sv", "other", "und", "und"]
    # the Portuguese text (ã, ç) is compared with every language, once; the Swedish among the six, once
    assert calls == [((True, True), [TEXTS["pt"]]), ((False,), [TEXTS["sv"]])]
    # with the fast path the Swedish text is decided there, once, and lingua only sees the Portuguese one
    calls.clear()
    fast_calls = []
    real_fast = language._fast_language
    monkeypatch.setattr(language, "_fast_language", lambda t, *a: fast_calls.append(t) or real_fast(t, *a))
    assert detect_language(texts).tolist() == out.tolist()
    assert fast_calls == [TEXTS["sv"]] and calls == [((True, True), [TEXTS["pt"]])]


@pytest.mark.parametrize("code,expected", [
    ("sv", "sv"), ("SV", "sv"), (" sv ", "sv"), ("swe", "sv"), ("sv-SE", "sv"), ("sv_FI", "sv"),
    ("nb", "nb"), ("nob", "nb"), ("nb_NO", "nb"), ("no", "nb"), ("NO", "nb"), ("nor", "nb"), ("no-NO", "nb"),
    ("nn", "nn"), ("nno", "nn"), ("nn-NO", "nn"), ("da", "da"), ("dan", "da"), ("da-DK", "da"),
    ("fi", "fi"), ("fin", "fi"), ("en", "en"), ("eng", "en"), ("en-GB", "en"), ("Swedish", "sv"),
    ("pt", "other"), ("pt-BR", "other"), ("por", "other"), ("de", "other"), ("ar", "other"), ("zh-Hant-TW", "other"),
    ("other", "other"), ("und", "und"), ("zxx", "und"), ("qme", "und"), ("qam", "und"), ("art", "und"),
    ("", "und"), (None, "und"), (float("nan"), "und"), (pd.NA, "und"),
])
def test_normalisation_table(code, expected):
    assert normalise_language(code) == expected


@pytest.mark.parametrize("garbage", ["12", "sv se", "svenska!", "s", "sv-", 3.5])
def test_garbage_is_a_clear_error_or_explicit_und(garbage):
    with pytest.raises(LanguageCodeError, match="not a language code") as info:
        normalise_language(garbage)
    assert isinstance(info.value, KommunsocialError)
    assert normalise_language(garbage, errors="und") == "und"


def test_a_series_error_names_the_position():
    with pytest.raises(LanguageCodeError, match=r"lang, position 2: '12'"):
        language.normalise_languages(pd.Series(["sv", "NO", "12"]))
    assert language.normalise_languages(pd.Series(["sv", "NO", None])).tolist() == ["sv", "nb", "und"]


def test_platform_field_preferred_and_norwegian_split_by_detection():
    lang, source = combine_languages(
        ["sv", "pt-BR", "no", "no", "nor", "und", "qme", "zxx", None, "12"],
        ["da", "sv", "nn", "da", "und", "en", "fi", "other", "sv", "nb"])
    assert lang.tolist() == ["sv", "other", "nn", "nb", "nb", "en", "fi", "other", "sv", "nb"]
    assert source.tolist() == ["platform"] * 5 + ["detected"] * 5


def test_ingest_takes_x_lang_field_and_counts_the_sources(tmp_path):
    lines = []
    for i, (lang, text) in enumerate([("pt", TEXTS["sv"]), ("no", TEXTS["nn"]), ("no", TEXTS["nb"]),
                                      ("qme", TEXTS["da"]), ("SV", "Hej!"), ("12", TEXTS["en"])]):
        lines.append(json.dumps({"id": f"17690000000000003{i:02d}", "text": text, "author_id": "1122334455",
                                 "conversation_id": f"17690000000000003{i:02d}", "lang": lang,
                                 "created_at": f"2024-03-1{i}T08:30:00.000Z",
                                 "author": {"id": "1122334455", "username": "sjovikskommun",
                                            "name": "Sjöviks kommun"}}))
    path = tmp_path / "tweets.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.warns(language.LanguageCodeWarning, match=r"tweets.jsonl, row 6, column 'lang': '12'"):
        ds = ks.load(path, salt="test", progress=False, options={"account": "sjovikskommun"})
    posts = ds.posts.sort_values("created_at")
    # the platform's pt wins over the Swedish text; no → nn where Nynorsk is detected, else nb;
    # qme and a bad code leave it to detection; SV on a one-word tweet is still sv
    assert posts["lang"].astype(str).tolist() == ["other", "nn", "nb", "da", "sv", "en"]
    assert ds.manifest["languages"] == {"from_platform": 4, "detected": 2, "platform_codes_not_understood": 1}


def test_mcl_language_column_is_used():
    from pathlib import Path

    mcl = Path(__file__).resolve().parents[1] / "data" / "mcl"
    ds = ks.load([mcl / "posts.csv", mcl / "comments.json"], salt="test", progress=False)
    assert ds.manifest["languages"]["from_platform"] == len(ds.posts) + len(ds.comments)
    assert set(ds.posts["lang"].astype(str)) <= {"sv", "nb", "nn"}


def test_schema_accepts_other_and_rejects_unknown_codes(sample_dataset):
    posts = sample_dataset.posts.head(3).copy()
    posts["lang"] = ["other", "und", "sv"]
    ds = ks.Dataset(sample_dataset.pages, posts, sample_dataset.comments.iloc[:0])
    assert ds.posts["lang"].astype(str).tolist().count("other") == 1
    posts["lang"] = ["pt", "und", "sv"]
    with pytest.raises(SchemaError, match="'pt'"):
        ks.Dataset(sample_dataset.pages, posts, sample_dataset.comments.iloc[:0])


def test_tone_reads_codes_as_exports_write_them():
    text = "Ansökan ska inkomma senast den 1 mars i enlighet med gällande regler."
    base = ks.tone.score([text], lang="sv")["formality"].iloc[0]
    assert ks.tone.score([text], lang="SV")["formality"].iloc[0] == base
    assert ks.tone.score([text], lang=["swe"])["formality"].iloc[0] == base
    nb = "Søknaden skal sendes inn innen 1. mars i henhold til gjeldende regler."
    assert ks.tone.score([nb], lang="no")["lang"].iloc[0] == "nb"
    with pytest.raises(LanguageCodeError):
        ks.tone.score([text], lang="12")
    posts = pd.DataFrame({"text": [text, text], "lang": ["SV", "sv-SE"]})
    assert ks.tone.add_tone(posts)["formality"].nunique() == 1


@pytest.mark.parametrize("method", ["index", "classifier"])
def test_posts_in_other_languages_and_finnish_are_counted_not_dropped(method):
    posts = pd.DataFrame({
        "post_id": list("abcdef"), "page": ["A"] * 6,
        "lang": ["sv", "other", "other", "fi", "sv", "und"],
        "text": ["Ansökan ska inkomma senast den 1 mars.", TEXTS["pt"], TEXTS["es"], TEXTS["fi"], "", "Tack!"]})
    scored = ks.tone.add_tone(posts, tone_method=method)
    assert scored["formality"].notna().tolist() == [True, False, False, False, False, True]
    table = summaries.unscored(scored)
    assert table.values.tolist() == [["other", "no tone resources for the language", 2],
                                     ["fi", "no tone resources for the language", 1],
                                     ["sv", "no text", 1]]
    sentence = summaries.not_scored(scored)
    assert sentence.startswith("1 of 6 posts has no text")
    assert sentence.endswith("2 posts in other languages and 1 in Finnish were not scored: the index has "
                             "resources for sv, nb, nn, da and en.")


def test_report_01_counts_posts_tone_will_not_score(sample_dataset):
    posts = sample_dataset.posts.copy()
    posts["lang"] = ["other"] * 3 + ["fi"] + ["und"] * 2 + posts["lang"].astype(str).tolist()[6:]
    ds = ks.Dataset(sample_dataset.pages, posts, sample_dataset.comments)
    assert ks.report.quality.languages_not_scored(ds) == (  # the three set here and the sample's own one (below)
        "4 posts in other languages and 1 in Finnish will not be scored by the tone report: the index has "
        "resources for sv, nb, nn, da and en.")
    # the sample's one miss: a short plain notice, "Grovsopor hämtas i Västerhaga den 13 december.", has
    # too few Swedish function words for the detector, as short notices in real exports do
    assert ks.report.quality.languages_not_scored(sample_dataset) == (
        "1 post in other languages will not be scored by the tone report: the index has resources for sv, nb, nn, "
        "da and en.")


def test_language_mix_figure_draws_other(sample_dataset):
    from kommunsocial.report import quality_plots

    posts = sample_dataset.posts.copy()
    posts["lang"] = ["other"] * 5 + posts["lang"].astype(str).tolist()[5:]
    ds = ks.Dataset(sample_dataset.pages, posts, sample_dataset.comments)
    fig = quality_plots.language_mix(ds)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "other" in labels and labels.index("other") == len([c for c in labels if c in language.DETECTED])
    assert "other" in ks.report.quality.language_mix(ds).columns

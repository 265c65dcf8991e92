"""Topic controls: content words, seeded service areas, the methods of topics(), the register diagnostic."""

import numpy as np
import pandas as pd
import pytest

from kommunsocial import engagement
from kommunsocial.engagement import content, service_areas
from kommunsocial.engagement._design import build
from kommunsocial.engagement.service_areas import TopicError


# -- content words: the tone measure's vocabulary, stop words, emoji, numbers and links go ------------
@pytest.mark.parametrize("lang,text,words", [
    # greeting, we, officialese phrase and "samt", emoji, a number, a link: only the subject is left
    ("sv", "Hej! Vi plogar gatorna i natt med anledning av snöfallet, samt sandar 24 cykelvägar 😊 "
           "https://example.org/snö", ["plogar", "gatorna", "natt", "snöfallet", "sandar", "cykelvägar"]),
    ("sv", "Kommunfullmäktige beslutade att bibehålla avgiften för förskolan. Tack så mycket!",
     ["kommunfullmäktige", "beslutade", "avgiften", "förskolan"]),
    ("nb", "Hei alle sammen! Tusen takk til alle som kom på konserten i kulturhuset 🎉",
     ["konserten", "kulturhuset"]),
    ("nb", "I henhold til vedtaket stenges svømmehallen grunnet vedlikehold.",  # grunnet: officialese
     ["vedtaket", "stenges", "svømmehallen", "vedlikehold"]),
    ("nn", "Hei på deg! Brøytebilen kjem frå klokka 05 i morgon, ha det bra",
     ["brøytebilen", "kjem", "klokka", "morgon"]),
    ("da", "Hej med jer! Skraldebilen tømmer containerne i henhold til planen #genbrug @kommunen",
     ["skraldebilen", "tømmer", "containerne", "planen"]),
    ("en", "Hi folks! Bins will be collected on Tuesday due to the fact that the road is closed. Cheers!",
     ["bins", "collected", "tuesday", "road", "closed"]),
])
def test_content_words_leave_out_how_a_post_is_written(lang, text, words):
    assert engagement.content_words(text, lang) == words


def test_content_words_of_many_texts_read_each_text_once_and_keep_order():
    texts = ["Snöröjning i natt!", None, "Snöröjning i natt!", "🙂 123"]
    assert content.content_tokens(texts, "sv") == [["snöröjning", "natt"], [], ["snöröjning", "natt"], []]


def test_all_words_keep_the_tone_vocabulary_content_words_drop_it():
    text = "Välkommen till biblioteket, och kram!"
    assert content.all_words([text], "sv") == [["välkommen", "biblioteket", "kram"]]
    assert engagement.content_words(text, "sv") == ["biblioteket"]


def test_a_language_without_tone_resources_loses_only_stop_words():
    # "huomenna" (tomorrow) and "ja" (and) are in stopwordsiso's Finnish list
    assert engagement.content_words("Lumityöt alkavat huomenna ja kadut aurataan", "fi") == \
        ["lumityöt", "alkavat", "kadut", "aurataan"]


# -- the shipped word list -------------------------------------------------------------------------
def test_shipped_list_covers_every_area_and_language_with_content_words():
    terms = service_areas.area_terms()
    sizes = terms.groupby(["lang", "area"]).size()
    assert set(sizes.index) == {(lang, a) for lang in service_areas.AREA_LANGS for a in service_areas.AREAS}
    assert sizes.between(30, 80).all(), sizes[~sizes.between(30, 80)]
    # a plain term that is a stop word or a tone word could never be hit
    plain = terms[~terms["term"].str.contains("*", regex=False)]
    unhittable = [(lang, t) for lang, t in zip(plain["lang"], plain["term"])
                  if engagement.content_words(t, lang) != [t]]
    assert unhittable == []


@pytest.mark.parametrize("lang,words,areas", [
    ("sv", ["snöröjningen", "grundskolan", "luciatåget", "tåget", "bibliotek", "gatorna", "katten"],
     ["snow_roads", "school", "events", "traffic_transport", "culture_leisure", "snow_roads", None]),
    ("nb", ["brøytingen", "barnehagen", "kommunestyret"], ["snow_roads", "school", "council_politics"]),
    ("nn", ["skulen", "sjukeheimen", "flaumen"], ["school", "care_health", "crisis_safety"]),
    ("da", ["skraldespanden", "lokalplanen", "børnehaven"], ["water_waste", "building_planning", "school"]),
    ("en", ["gritters", "councillors", "wildfire", "recycling"],
     ["snow_roads", "council_politics", "crisis_safety", "water_waste"]),
])
def test_words_count_for_the_area_of_their_longest_term(lang, words, areas):
    # luciatåget: "luciatåg*" (events, 8 letters) beats "*tåg" (traffic, 3); katten: no term
    assert service_areas.area_of_words(words, lang) == areas


def write_list(tmp_path, rows, name="areas.tsv"):
    path = tmp_path / name
    path.write_text("area\tlang\tterm\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_assignment_most_hits_then_first_hit_then_min_hits(tmp_path):
    path = write_list(tmp_path, [("snow_roads", "sv", "snö*"), ("school", "sv", "skola"),
                                 ("events", "sv", "konsert")])
    words = ["snön", "skolan", "konsert", "katt"]
    # text 0: snö ×2, skola ×1 -> snow; text 1: skola then snö, one each -> skola (first);
    # text 2: konsert once -> events with min_hits 1, none with 2; text 3: no hit
    codes = np.array([1, 0, 0, 1, 0, 2, 3], dtype=np.int64)
    lengths = np.array([3, 2, 1, 1])
    area, names, word_area = service_areas.assign_areas(lengths, codes, words, "sv", path=path)
    assert [names[a] if a >= 0 else None for a in area] == ["snow_roads", "school", "events", None]
    assert word_area.tolist() == [0, 1, 2, -1]
    area, _, _ = service_areas.assign_areas(lengths, codes, words, "sv", min_hits=2, path=path)
    assert area.tolist() == [0, -1, -1, -1]


@pytest.mark.parametrize("rows,where", [
    ([("school", "sv", "skola"), ("events", "sv", "skola")], "row 3, column 'term'"),  # one term, two areas
    ([("school", "sv", "sk*")], "row 2, column 'term'"),  # stem too short
    ([("school", "sv", "*skola*")], "row 2, column 'term'"),
    ([("school", "sv", "skola2")], "row 2, column 'term'"),
    ([("", "sv", "skola")], "row 2, column 'area'"),
])
def test_a_bad_word_list_names_file_row_and_column(tmp_path, rows, where):
    path = write_list(tmp_path, rows)
    with pytest.raises(TopicError, match=rf"areas.tsv, {where}"):
        service_areas.area_terms(path)


def test_a_word_list_without_its_columns_is_an_error(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("area\tterm\nschool\tskola\n", encoding="utf-8")
    with pytest.raises(TopicError, match=r"bad.tsv, row 1: the header lacks the column\(s\) lang"):
        engagement.topics(pd.Series(["skola"] * 60), lang=pd.Series(["sv"] * 60), method="seeded", areas=path)


# -- topics(): the methods -------------------------------------------------------------------------
def corpus():
    texts = (["Snöröjning på gatan i natt", "Plogbilen kör på gatorna", "Snö och halka på gatan"] * 10
             + ["Biblioteket har nya böcker", "Låna böcker på biblioteket", "Nya böcker i biblioteket"] * 10
             + ["Hej! Glassen smakar gott 😊", "Tack alla, solnedgången var vacker!",
                "Kaffet doftar starkt, hej hej"] * 10)
    return pd.Series(texts), pd.Series(["sv"] * len(texts))


def test_seeded_topics_take_the_areas_and_nmf_the_rest():
    texts, lang = corpus()
    topic, table = engagement.topics(texts, lang=lang, method="seeded", n_topics=3, min_posts=10, min_size=1)
    assert topic.iloc[:30].eq("sv:snow_roads").all() and topic.iloc[30:60].eq("sv:culture_leisure").all()
    # no area: what is left of them once the greetings go ("glassen", "kaffet" …) is modelled by NMF
    assert topic.iloc[60:].str.fullmatch(r"sv:\d").all() and topic.iloc[60:].nunique() == 3
    assert table.loc["sv:snow_roads", "source"] == "seeded" and table.loc["sv:snow_roads", "posts"] == 30
    assert table.loc["sv:snow_roads", "top_words"].split(", ")[0] in {"gatan", "snöröjning", "plogbilen"}
    assert set(table.loc[table["source"] == "nmf", "lang"]) == {"sv"}
    assert table["posts"].sum() == len(texts)


def test_seeded_topics_with_too_few_posts_left_for_nmf_are_none():
    texts, lang = corpus()
    topic, table = engagement.topics(texts.iloc[:70], lang=lang.iloc[:70], method="seeded", min_posts=20, min_size=1)
    assert topic.iloc[60:].eq("sv:none").all() and set(table["source"]) == {"seeded", "none"}
    assert table.loc["sv:none", "posts"] == 10 and table["posts"].sum() == 70


def test_nmf_on_content_words_has_no_greeting_in_its_topics():
    texts, lang = corpus()
    _, content_table = engagement.topics(texts, lang=lang, method="nmf", n_topics=3, min_posts=10)
    _, all_table = engagement.topics(texts, lang=lang, method="nmf-all-words", n_topics=3, min_posts=10)
    assert "hej" in ", ".join(all_table["top_words"])
    assert "hej" not in ", ".join(content_table["top_words"])
    assert set(all_table["source"]) <= {"nmf", "none"} and set(content_table["source"]) <= {"nmf", "none"}
    assert (all_table["source"] == "nmf").any() and (content_table["source"] == "nmf").any()


def test_an_unknown_method_is_an_error():
    with pytest.raises(TopicError, match="unknown topic method 'lda'"):
        engagement.topics(pd.Series(["snö"]), method="lda")


# -- the register diagnostic -----------------------------------------------------------------------
def test_topic_tone_table_by_hand():
    topic = pd.Series(["sv:a"] * 10 + ["sv:b"] * 10 + ["sv:c"] * 4 + ["sv:d"] * 3, dtype="string")
    tone = pd.Series(["conversational"] * 9 + ["formal"]  # a: 9 of 10 conversational -> warning
                     + ["formal"] * 8 + ["conversational"] * 2  # b: 8 of 10 formal -> none
                     + ["formal"] * 4  # c: all formal, but only 4 posts
                     + ["und", None, "formal"], dtype="string")  # d: one post with a tone
    table = engagement.topic_tone_table(topic, tone, min_posts=5)
    assert table.index.tolist() == ["sv:a", "sv:b", "sv:c", "sv:d"]
    assert table["posts"].tolist() == [10, 10, 4, 1]
    assert table["conversational"].tolist() == [0.9, 0.2, 0.0, 0.0]
    assert table["warning"].tolist() == [engagement.REGISTER_WARNING, "", "", ""]
    stricter = engagement.topic_tone_table(topic, tone, warn_share=0.95, min_posts=4)
    assert stricter["warning"].tolist() == ["", "", engagement.REGISTER_WARNING, ""]
    with pytest.raises(TopicError, match="warn_share"):
        engagement.topic_tone_table(topic, tone, warn_share=0.4)


def test_small_topics_are_pooled_and_the_largest_topic_is_the_reference():
    texts, lang = corpus()
    # 30 snow posts, 30 library posts, 10 greetings: the 10 are one NMF topic or none, below min_size 12
    topic, table = engagement.topics(texts.iloc[:70], lang=lang.iloc[:70], method="seeded", min_posts=20, min_size=12)
    assert topic.iloc[60:].eq("sv:small").all()
    assert table.loc["sv:snow_roads", "in_model"] == "sv:snow_roads"
    # categories from the most posts to the fewest, ties by name: a model's reference is the first
    assert topic.cat.categories.tolist() == ["sv:culture_leisure", "sv:snow_roads", "sv:small"]
    metrics = pd.DataFrame({"comments": [0] * 60 + [1] * 10, "topic": topic})
    design = build("comments ~ C(topic)", metrics, cluster=None, eval_env=None)
    assert design.dense == ["Intercept", "C(topic)[T.sv:snow_roads]", "C(topic)[T.sv:small]"]


def test_a_crisis_word_outweighs_one_word_of_the_service_it_closes():
    # school first, one word each: without the weight the tie would go to the school, named first
    texts = pd.Series(["Skolan stänger i dag på grund av stormen", "Skolan och förskolan stänger, stormen"])
    topic, _ = engagement.topics(texts, lang=pd.Series(["sv", "sv"]), method="seeded", min_posts=1, min_size=1)
    assert topic.astype(str).tolist() == ["sv:crisis_safety", "sv:school"]  # 2 school words against 2 × 1
    assert service_areas.AREA_WEIGHTS == {"crisis_safety": 2}

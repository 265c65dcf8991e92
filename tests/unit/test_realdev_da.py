"""The Danish sources of the real development set: each reader on a tiny copy of its format, and the labels file."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from realdev import LABEL_COLUMNS, HERE, split_for  # noqa: E402
from realdev import src_da  # noqa: E402


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clip_keeps_whole_sentences_within_the_limit():
    assert src_da._clip("Aaa. Bbb! Ccc?", limit=10) == "Aaa. Bbb!"
    assert src_da._clip("  Kort.  ", limit=10) == "Kort."
    # one sentence longer than the limit is kept whole rather than cut mid-sentence
    assert src_da._clip("En meget lang sætning uden ende", limit=10) == "En meget lang sætning uden ende"


def test_politicians_keeps_own_tweets_decoded_and_skips_files_without_ids(tmp_path):
    _write(tmp_path / "Data/tweets/sf/a_0.csv",
           ',edit_history_tweet_ids,id,text\n'
           '0,[\'11\'],11,Hej &amp; tak &lt;3\n'
           '1,[\'12\'],12,RT @x: ikke min tekst\n'
           '2,[\'13\'],13,"  "\n')
    _write(tmp_path / "Data/tweets/others/b_0.csv", "tweets\nuden id\n")
    got = src_da._politicians(tmp_path)
    assert got.to_dict("records") == [{"key": "11", "text": "Hej & tak <3"}]


def test_hashtag_reads_api_pages_as_literals_never_as_code(tmp_path):
    page = [{"edit_history_tweet_ids": ["7"], "id": "7", "text": "Hvem skal være formand? #dkpol"},
            {"edit_history_tweet_ids": ["8"], "id": "8", "text": "RT @y: citat"}]
    pd.DataFrame({"data": [repr(page)], "meta": ["{}"]}).to_csv(
        _write(tmp_path / "Data/test_payload.csv", ""), index=True)
    assert src_da._hashtag(tmp_path).to_dict("records") == [
        {"key": "7", "text": "Hvem skal være formand? #dkpol"}]
    pd.DataFrame({"data": ["__import__('os').getcwd()"], "meta": ["{}"]}).to_csv(
        tmp_path / "Data/test_payload.csv", index=True)
    with pytest.raises(ValueError):
        src_da._hashtag(tmp_path)


def test_maerkesager_reads_descriptions_not_the_parties_answers(tmp_path):
    _write(tmp_path / "client/data.js", """module.exports = {
  issues: [
    {
      id: 4,
      title: 'Lange dage',
      category_id: 4, // Uddannelse
      description: 'Skoledagen er l\\'ang. ',
      question: 'For lange?'
    },
    {
      id: 9,
      title: 'Kædeansvar',
      description: '<p>Virksomheder skal kunne drages til ansvar.</p>\\r\\n<p>Det betyder &amp; mere.</p>',
    }
  ],
  categories: [ { id: 1, title: 'Økonomi' } ],
  answers: [ { id: 29, issue_id: 4, body: 'Nej.', description: 'ikke en forklaring' } ]
}
""")
    got = src_da._maerkesager(tmp_path)
    assert got.to_dict("records") == [
        {"key": "issue4", "text": "Skoledagen er l'ang."},
        {"key": "issue9", "text": "Virksomheder skal kunne drages til ansvar. Det betyder & mere."},
    ]


def test_nytaarstaler_numbers_the_non_empty_paragraphs_of_each_address(tmp_path):
    raw = "<p>Godaften.</p><p>Vi <b>m&#xE5;</b>   st&#xE5; sammen.</p><p> </p><p>Godt nyt&#xE5;r!</p>"
    _write(tmp_path / "years/2001/data.json", json.dumps({"rawHtml": raw, "date": "01/01/2001"}))
    got = src_da._nytaarstaler(tmp_path)
    assert got.to_dict("records") == [
        {"key": "2001:p1", "text": "Godaften."},
        {"key": "2001:p2", "text": "Vi må stå sammen."},
        {"key": "2001:p3", "text": "Godt nytår!"},
    ]


def test_smittestop_reads_messages_as_the_app_shows_them(tmp_path):
    strings = {"BTN": "Start",
               "MSG": "Du skal opdatere Smitte\u2060|\u2060stop nu, ellers virker appen ikke <b>mere</b>."}
    _write(tmp_path / "NDB.Covid19/NDB.Covid19/Locales/da.json", json.dumps(strings))
    got = src_da._smittestop(tmp_path)
    # "Start" is shorter than MIN_CHARS: a button, not a message
    assert got.to_dict("records") == [
        {"key": "MSG", "text": "Du skal opdatere Smittestop nu, ellers virker appen ikke mere ."}]


def test_php_values_are_the_values_in_order_unescaped_never_the_keys():
    source = ("<?php\nreturn [\n    'title' => 'Hvad er det?',\n    'items' => [\n"
              "        'En \\'lille\\' fil',\n        \"Med \\\"citat\\\"\",\n    ],\n];\n")
    assert src_da._php_values(source) == ["Hvad er det?", "En 'lille' fil", 'Med "citat"']


def test_codeweek_keys_count_every_value_of_a_file(tmp_path):
    folder = tmp_path / "resources/lang/da"
    _write(folder / "privacy-statement.php",
           "<?php\nreturn [\n    'title' => 'Kort titel',\n"
           "    'text' => '<p>Dine personoplysninger vil ikke blive brugt til profilering.</p>',\n];\n")
    _write(folder / "privacy-statement-contact.php", "<?php\nreturn [];\n")
    _write(folder / "cookie_policy.php", "<?php\nreturn [\n    'a' => 'Cookies er små tekstfiler, som gemmes på din enhed.',\n];\n")
    got = src_da._codeweek(tmp_path)
    assert got.to_dict("records") == [
        {"key": "privacy-statement:2",
         "text": "Dine personoplysninger vil ikke blive brugt til profilering."},
        {"key": "cookie_policy:1", "text": "Cookies er små tekstfiler, som gemmes på din enhed."},
    ]


def test_danish_labels_file_is_consistent():
    lab = pd.read_csv(HERE / "labels_da.csv", dtype=str, keep_default_na=False)
    assert list(lab.columns) == LABEL_COLUMNS
    assert lab["key"].is_unique
    ids = {s.id for s in src_da.SOURCES}
    assert set(lab["source"]) == ids
    assert (lab["key"].str.split(":").str[0] == lab["source"]).all()
    assert (lab["lang"] == "da").all()
    assert set(lab["label"]) == {"formal", "conversational"}
    formality = lab["formality"].astype(int)
    assert formality.between(1, 5).all()
    # a formal text is never rated conversational in wording, nor the other way round
    assert (formality[lab["label"] == "formal"] >= 3).all()
    assert (formality[lab["label"] == "conversational"] <= 3).all()
    assert (lab["split"] == lab["key"].map(split_for)).all()
    assert lab["text_sha1"].map(lambda s: bool(re.fullmatch(r"[0-9a-f]{12}", s))).all()

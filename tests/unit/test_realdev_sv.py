"""The Swedish sources of the real development set read their raw files as published.

Each reader runs on a tiny file built here in the layout of its real source (a JavaScript module
with a JSON array, a JavaScript literal with commented-out entries, g0vse Markdown, a CSV); the
expected keys and texts are written out by hand.
"""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from realdev import src_sv  # noqa: E402
from realdev.src_sv import lead_paragraphs  # noqa: E402

SOURCES = {src.id: src for src in src_sv.SOURCES}


def test_ids_are_prefixed_and_every_source_is_drawn():
    assert all(sid.startswith("sv-") and sid == sid.lower() for sid in SOURCES)
    assert set(src_sv.DRAW) == set(SOURCES)
    assert all(src.lang == "sv" for src in SOURCES.values())


def test_lead_paragraphs_keeps_whole_paragraphs_within_the_limits():
    paras = ["Första stycket.", "", "Andra stycket.", "Tredje.", "Fjärde."]
    assert lead_paragraphs(paras) == "Första stycket.\n\nAndra stycket.\n\nTredje."
    # 15 + 2 + 14 = 31 characters fit in 31; the third would make 40
    assert lead_paragraphs(paras, max_chars=31) == "Första stycket.\n\nAndra stycket."
    assert lead_paragraphs(paras, max_chars=30) == "Första stycket."


def test_lead_paragraphs_cuts_a_long_first_paragraph_after_a_sentence():
    long = "Ett två tre. Fyra fem sex sju. Åtta nio tio elva tolv."
    assert lead_paragraphs([long], max_chars=20) == "Ett två tre."
    assert lead_paragraphs([long], max_chars=31) == "Ett två tre. Fyra fem sex sju."
    # no sentence end within the limit: cut at the last word boundary
    assert lead_paragraphs(["ettord tvåord treord"], max_chars=15) == "ettord tvåord"
    assert lead_paragraphs([], max_chars=15) == ""


def test_polisen_events_reads_the_array_and_not_the_code_after_it(tmp_path):
    events = [
        {"id": 7, "description": "Trafikolycka på E4.",
         "content": "<p>Två bilar har krockat.</p>\n<p>Polisen är på plats. </p>\n"},
        {"id": 8, "description": "Presstalesperson nås på telefon.", "content": ""},
    ]
    module = ("export const response = " + json.dumps(events, indent=2, ensure_ascii=False)
              + "\n\nconst f = (s) => response.filter(c => c.id === s);\nconsole.log(f([1]))\n")
    (tmp_path / "response.js").write_text(module, encoding="utf-8")
    got = SOURCES["sv-polisen-events"].extract(tmp_path)
    assert got["key"].tolist() == ["7", "8"]
    assert got["text"].tolist() == ["Trafikolycka på E4.\n\nTvå bilar har krockat.\n\nPolisen är på plats.",
                                    "Presstalesperson nås på telefon."]


def test_polisen_summaries_reads_commented_and_wrapped_entries(tmp_path):
    literal = """module.exports = [
  {
    id: 11,
    summary: 'Centrum, en person omhändertagen för fylleri.',
    type: 'Fylleri/LOB'
  },
  {
    id: 12,
    summary:
      'Vivsta, man misstänkt för misshandel.',
    location: { name: 'Härnösand', gps: '62.6,17.9' }
  },
  // {
  //   id: 13,
  //   summary: 'Han blir \\'friherre\\' i kväll.',
  // },
  {
    id: 14,
    name: 'utan sammanfattning'
  }
];
"""
    (tmp_path / "example-data.js").write_text(literal, encoding="utf-8")
    got = SOURCES["sv-polisen-summaries"].extract(tmp_path)
    assert got["key"].tolist() == ["11", "12", "13"]
    assert got["text"].tolist() == ["Centrum, en person omhändertagen för fylleri.",
                                    "Vivsta, man misstänkt för misshandel.",
                                    "Han blir 'friherre' i kväll."]


def test_g0vse_drops_the_title_and_the_byline_but_not_a_lead_naming_the_article(tmp_path):
    folder = tmp_path / "debattartiklar" / "2024" / "05"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text(
        "# Rubrik\n\nStatsminister X, debattartikel, Tidningen, den 13 maj 2024.\n\n"
        "Första stycket.\n\nAndra stycket.\n", encoding="utf-8")
    (folder / "b.md").write_text(
        "# Rubrik\n\nVi sänker skatten, skriver X i en debattartikel i Tidningen den 5 maj.\n",
        encoding="utf-8")
    got = SOURCES["sv-regeringen-debatt"].extract(tmp_path)
    assert got["key"].tolist() == ["2024/05/a", "2024/05/b"]
    assert got["text"].tolist() == ["Första stycket.\n\nAndra stycket.",
                                    "Vi sänker skatten, skriver X i en debattartikel i Tidningen den 5 maj."]


def test_swe_sentiment_keys_are_row_numbers_and_empty_texts_go(tmp_path):
    (tmp_path / "swe-sentiment-dataset.csv").write_text(
        'text,label,all_labels\n"Hej 😊 ",pos,"pos,pos"\n"",neu,neu\n"Vila i frid ❤️",pos,"pos,neu"\n',
        encoding="utf-8")
    got = SOURCES["sv-swe-sentiment"].extract(tmp_path)
    assert got["key"].tolist() == ["0", "2"]
    assert got["text"].tolist() == ["Hej 😊", "Vila i frid ❤️"]


def test_the_draw_is_seeded_and_drops_duplicate_texts(tmp_path, monkeypatch):
    (tmp_path / "sv-swe-sentiment").mkdir()
    rows = "".join(f'"text {i % 6}",pos,pos\n' for i in range(10))   # 6 distinct texts
    (tmp_path / "sv-swe-sentiment" / "swe-sentiment-dataset.csv").write_text(
        "text,label,all_labels\n" + rows, encoding="utf-8")
    monkeypatch.setattr(src_sv, "SOURCES", [SOURCES["sv-swe-sentiment"]])
    monkeypatch.setitem(src_sv.DRAW, "sv-swe-sentiment", 4)
    first, again = src_sv.drawn(tmp_path), src_sv.drawn(tmp_path)
    assert first.equals(again)
    assert len(first) == 4 and first["text"].is_unique
    # duplicates keep their first row: only keys 0–5 can be drawn
    assert set(first["key"]) <= {f"sv-swe-sentiment:{i}" for i in range(6)}
    monkeypatch.setitem(src_sv.DRAW, "sv-swe-sentiment", 50)
    assert len(src_sv.drawn(tmp_path)) == 6


@pytest.mark.parametrize("line", ["Debattartikel av minister X, Tidningen, 2 juli 2025.",
                                  "Minister X, replik, Tidningen, den 5 december 2023."])
def test_bylines_are_recognised(line):
    assert src_sv._is_byline(line)
    assert not src_sv._is_byline("Det skriver minister X i en debattartikel i Tidningen.")

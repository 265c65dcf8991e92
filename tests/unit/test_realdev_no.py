"""The Norwegian sources of the real development set: extraction from raw files, and the labels file.

Raw files are built in code (tiny copies of each source's format); the labels file is the one in
the repository.
"""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import realdev  # noqa: E402
from realdev import src_no  # noqa: E402

SRC = {s.id: s for s in src_no.SOURCES}


def assert_extracted(sid, folder, keys, texts):
    got = SRC[sid].extract(folder)
    assert got["key"].tolist() == keys
    assert got["text"].tolist() == texts


def test_police_tweets_one_row_per_id_and_ids_stay_exact(tmp_path):
    (tmp_path / "totalt.csv").write_text(
        '"created","screenName","text","id"\n'
        '2014-05-21 19:11:32,"Hordalandpoliti","  Bilen er meldt stjålet. ","469193795775787008"\n'
        '2014-05-21 19:00:55,"Rogalandops","Politi på stedet.","469191123005894657"\n'
        '2014-05-21 19:11:32,"Hordalandpoliti","  Bilen er meldt stjålet. ","469193795775787008"\n',
        encoding="utf-8")
    # an 18-digit id read as a float would lose its last digits
    assert_extracted("nb-politi-twitter", tmp_path, ["469193795775787008", "469191123005894657"],
                     ["Bilen er meldt stjålet.", "Politi på stedet."])


def test_nordial_keeps_bokmal_and_nynorsk_with_their_lang(tmp_path):
    rows = [{"sent_id": "1", "text": " Eg har ikkje peiling. ", "category": "nynorsk"},
            {"sent_id": "2", "text": "Jeg orker ikke folk.", "category": "bokmål"},
            {"sent_id": "3", "text": "Æ e lei", "category": "dialectal"},
            {"sent_id": "4", "text": "Jeg e lei", "category": "mixed"}]
    (tmp_path / "train.json").write_text(json.dumps(rows[:2]), encoding="utf-8")
    (tmp_path / "dev.json").write_text(json.dumps(rows[2:]), encoding="utf-8")
    (tmp_path / "test.json").write_text(json.dumps(rows[1:2]), encoding="utf-8")  # id 2 again
    got = SRC["no-nordial-tweets"].extract(tmp_path)
    assert got.to_dict("list") == {"key": ["1", "2"], "text": ["Eg har ikkje peiling.", "Jeg orker ikke folk."],
                                   "lang": ["nn", "nb"]}


def test_storting_keeps_nynorsk_rows_keyed_by_their_position_in_the_whole_file(tmp_path):
    (tmp_path / "parliament_speeches_1998_2016_nob_nyn.csv").write_text(
        "date,language,text\n"
        "2001-06-14,nob,Det gjelder de som er syke.\n"
        "2009-11-18,nno,\"Dersom dei hadde vist det same engasjementet, hadde det gått.\"\n"
        "2011-02-22,nob,Det har man gjort.\n"
        "2003-02-12,nno,Regjeringa har lenge oversett alle åtvaringar. \n",
        encoding="utf-8")
    assert_extracted("nn-storting-sentences", tmp_path, ["row1", "row3"],
                     ["Dersom dei hadde vist det same engasjementet, hadde det gått.",
                      "Regjeringa har lenge oversett alle åtvaringar."])


def test_draw_drops_empty_and_duplicate_texts_and_is_seeded(tmp_path, monkeypatch):
    folder = tmp_path / "nb-politi-twitter"
    folder.mkdir()
    lines = ['"created","screenName","text","id"']
    texts = ["Trafikkulykke.", "Trafikkulykke.", "", "Brann slukket.", "Vi er på stedet.", "Veien er åpen."]
    lines += [f'2014-05-2{i} 10:00:00,"Rogalandops","{t}","{100 + i}"' for i, t in enumerate(texts)]
    (folder / "totalt.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(src_no, "SOURCES", [SRC["nb-politi-twitter"]])
    monkeypatch.setattr(src_no, "DRAW", {"nb-politi-twitter": {"nb": 10}})
    got = src_no.draw(tmp_path)
    # 6 rows - 1 empty - 1 repeated text = 4 texts, all drawn (n is capped at the pool)
    assert sorted(got["key"]) == ["nb-politi-twitter:100", "nb-politi-twitter:103",
                                  "nb-politi-twitter:104", "nb-politi-twitter:105"]
    monkeypatch.setattr(src_no, "DRAW", {"nb-politi-twitter": {"nb": 2}})
    assert src_no.draw(tmp_path)["key"].tolist() == src_no.draw(tmp_path)["key"].tolist()
    assert len(src_no.draw(tmp_path)) == 2


def test_labels_file_is_consistent():
    lab = pd.read_csv(BENCH / "realdev" / "labels_no.csv", dtype=str, keep_default_na=False)
    assert lab.columns.tolist() == realdev.LABEL_COLUMNS
    assert not lab["key"].duplicated().any()
    assert (lab["key"].str.split(":").str[0] == lab["source"]).all()
    assert set(lab["source"]) == set(SRC)
    assert set(lab["lang"]) == {"nb", "nn"}
    assert (lab["split"] == lab["key"].map(realdev.split_for)).all()
    assert lab["text_sha1"].str.fullmatch(r"[0-9a-f]{12}").all()
    form = lab["formality"].astype(int)
    assert form.between(1, 5).all()
    # the codebook: a formal voice is never rated conversational (1–2), nor the reverse (4–5)
    assert (form[lab["label"] == "formal"] >= 3).all()
    assert (form[lab["label"] == "conversational"] <= 3).all()
    counts = lab["label"].value_counts()
    assert set(counts.index) == {"formal", "conversational"} and counts.min() >= len(lab) / 3


@pytest.mark.parametrize("sid", sorted(SRC))
def test_every_source_names_a_commit_in_its_recipe(sid):
    assert "git checkout " in SRC[sid].recipe and f"DIR/{sid}/" in SRC[sid].recipe

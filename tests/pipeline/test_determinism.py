"""Same raw files and salt give byte-identical processed tables."""

from pathlib import Path

import kommunsocial as ks

from ..conftest import SALT, SAMPLE_RAW


def test_two_ingests_of_the_sample_are_byte_identical(sample_processed, tmp_path):
    ks.ingest(SAMPLE_RAW, tmp_path / "again", salt=SALT, progress=False)
    first, again = Path(sample_processed), tmp_path / "again"
    # (reports executed on the sample keep their tone scores in _cache/: not part of the ingest)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and "_cache" not in p.parts)
    assert sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file()) == files
    assert {"pages.parquet", "quarantine.parquet", "manifest.json"} <= {str(f) for f in files}
    assert sum(str(f).startswith("posts/page_id=") for f in files) == 12  # one partition per page
    for name in files:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_another_salt_gives_other_pseudonyms_only(sample_dataset, tmp_path):
    other = ks.load(SAMPLE_RAW, salt="another-salt", progress=False)
    assert other.posts.equals(sample_dataset.posts)
    citizens = ~sample_dataset.comments["author_is_page"]
    assert not set(other.comments.loc[citizens, "author_id"]) & set(sample_dataset.comments.loc[citizens, "author_id"])
    assert other.comments.loc[~citizens, "author_id"].equals(sample_dataset.comments.loc[~citizens, "author_id"])

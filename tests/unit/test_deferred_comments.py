"""Dataset.read leaves the comments on disk until they are used, and never mixes two versions."""

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial import schema
from kommunsocial.errors import DatasetError

from .test_sql import COMMENTS, PAGES, POSTS


@pytest.fixture()
def folder(tmp_path):
    return ks.Dataset(PAGES, POSTS, COMMENTS).save(tmp_path / "ds")


def test_comments_are_read_when_first_used_and_once(folder, monkeypatch):
    read = []
    real = schema._read_partitioned
    monkeypatch.setattr(schema, "_read_partitioned", lambda f, table, pages=None: read.append(table) or real(f, table, pages))
    ds = ks.Dataset.read(folder)
    assert read == ["posts"]
    assert len(ds.posts) == 3  # tone and engagement need nothing more
    assert ds.comments["comment_id"].tolist() == ["c1", "c2", "c3"]
    assert ds.comments["author_is_page"].tolist() == [False, True, False]
    assert str(ds.comments["n_likes"].dtype) == "Int64" and ds.comments.loc[1, "n_likes"] is pd.NA
    assert "page_id" not in ds.comments  # the partition key is not a column of the data model's comments
    ds.comments
    assert read == ["posts", "comments"]


def test_a_page_read_alone_gets_its_own_comments(folder):
    ds = ks.Dataset.read(folder, pages=["a/b c"])
    assert ds.posts["post_id"].tolist() == ["y_1"]
    assert ds.comments["comment_id"].tolist() == ["c3"]
    assert ds.select(page="4631").comments["comment_id"].tolist() == ["c3"]


def test_comments_of_a_dataset_replaced_since_it_was_read_are_refused(folder):
    ds = ks.Dataset.read(folder)
    ks.Dataset(PAGES, POSTS, COMMENTS.iloc[:1]).save(folder)  # a new ingest swaps the folder in
    with pytest.raises(DatasetError, match="replaced by a new ingest after the dataset was read"):
        ds.comments
    assert ks.Dataset.read(folder).comments["comment_id"].tolist() == ["c1"]  # read again: the new version


def test_equal_to_reading_everything_at_once(folder):
    lazy = ks.Dataset.read(folder)
    eager = ks.Dataset(*(pd.read_parquet(folder / f"{t}.parquet") for t in ("pages",)),
                       lazy.posts, schema._read_partitioned(folder / "comments", "comments").drop(columns="page_id"))
    pd.testing.assert_frame_equal(lazy.comments, eager.comments)
    assert repr(lazy) == "<Dataset: 3 pages, 3 posts, 3 comments, 0 quarantined>"

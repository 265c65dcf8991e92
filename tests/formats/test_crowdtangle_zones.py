"""A CrowdTangle export written in a dashboard zone outside the US and Europe (``BRT``)."""

from __future__ import annotations

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import read_file

HEADER = ("Page Name,User Name,Facebook ID,Likes at posting,Created,Type,Likes,Comments,Shares,Love,Wow,Haha,"
          "Sad,Angry,Thankful,Video Share Status,Post views,Total Views,Total Views for all CrossPosts,"
          "Video Length,URL,Message,Link,Final Link,Score\n")


def _row(n, created):
    return (f"Älvby kommun,alvbykommun,100071234567890,9000,{created},Photo,100,5,3,10,1,0,0,0,4,,0,0,0,N/A,"
            f"https://www.facebook.com/permalink.php?story_fbid=20000000000000{n}&id=100071234567890,"
            f"Inlägg {n},,,3.5\n")


def _write(tmp_path, times):
    path = tmp_path / "search.csv"
    path.write_text(HEADER + "".join(_row(n, t) for n, t in enumerate(times, 1)), encoding="utf-8")
    return path


def test_brt_and_aest_times_are_converted(tmp_path):
    path = _write(tmp_path, ["2021-07-05 18:02:45 BRT", "2021-07-05 18:02:45 AEST"])
    parsed = read_file(path)
    assert parsed.quarantine == []
    assert list(parsed.posts.sort_values("post_id")["created_at"]) == [
        pd.Timestamp("2021-07-05 21:02:45", tz="UTC"), pd.Timestamp("2021-07-05 08:02:45", tz="UTC")]


def test_an_unknown_abbreviation_names_the_option_and_the_option_fixes_it(tmp_path):
    path = _write(tmp_path, ["2021-07-05 18:02:45 QQQ", "2021-07-05 18:02:45 BRT"])
    parsed = read_file(path)
    assert len(parsed.quarantine) == 1
    bad = parsed.quarantine[0]
    assert (bad["source_row"], bad["column"]) == (1, "created_at")  # the first data row
    assert "zone_abbreviations={'QQQ'" in bad["reason"]
    parsed = read_file(path, zone_abbreviations={"QQQ": "+04:00"})
    assert parsed.quarantine == []
    assert pd.Timestamp("2021-07-05 14:02:45", tz="UTC") in set(parsed.posts["created_at"])


def test_load_passes_the_option(tmp_path):
    path = _write(tmp_path, ["2021-07-05 18:02:45 IST"])
    ds = ks.load(path, salt="test", progress=False, options={"zone_abbreviations": {"IST": "+01:00"}})
    assert list(ds.posts["created_at"]) == [pd.Timestamp("2021-07-05 17:02:45", tz="UTC")]
    with pytest.raises(LoadError, match="zone_abbreviations"):
        ks.load(_write(tmp_path, ["2021-07-05 18:02:45 QQQ"]), salt="test", progress=False)

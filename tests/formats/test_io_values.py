"""The shared value parsers on values worked out by hand, and JSON Lines read a block at a time."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kommunsocial.io import _values


# ---------------------------------------------------------------------------------------------
# counts, ids and times
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", ["list", "object", "string"])
def test_counts_by_hand(shape):
    raw = ["12", "1,234", "1 234", "7.0", None, "", "NA", "-", "-3", "abc", "12.5"]
    values = raw if shape == "list" else pd.Series(raw, dtype=object if shape == "object" else "string")
    counts, errors = _values.parse_counts(values)
    assert counts.dtype == "Int64"
    # thousands separators and a whole-number float are counts; missing tokens stay missing, never 0
    assert counts.tolist()[:4] == [12, 1234, 1234, 7]
    assert counts.iloc[4:].isna().all()
    assert errors.iloc[:8].isna().all()
    assert errors.iloc[8:].tolist() == ["negative count -3", "not a whole number: 'abc'", "not a whole number: '12.5'"]


def test_counts_of_numbers_and_booleans():
    counts, errors = _values.parse_counts([3, 4.0, True, None])
    assert counts.tolist()[:2] == [3, 4] and counts.iloc[2:].isna().all()
    assert errors.tolist()[:2] == [pd.NA, pd.NA] and errors.iloc[2] == "not a whole number: 'True'"


def test_ids_stay_text():
    ids = _values.parse_ids(["123", " 456 ", None, "NA", 789, "1_2", "0180"])
    assert ids.tolist()[:2] == ["123", "456"] and ids.iloc[2:4].isna().all()
    assert ids.tolist()[4:] == ["789", "1_2", "0180"]  # leading zeros kept


def test_times_from_offsets_zones_epochs_and_local_time():
    values = ["2024-03-11T12:15:02+0000", "2024-03-11T12:15:02Z", "2024-03-11 12:15:02", "11.03.2024 12:15",
              "2024-03-11 12:15:02 EDT", "1710159302", "not a date", None]
    times, errors = _values.parse_times(values, tz="Europe/Stockholm")
    utc = pd.Timestamp("2024-03-11 12:15:02", tz="UTC")
    # naive times are Stockholm time (UTC+1 in March before the switch); EDT is UTC-4; epoch seconds are UTC
    assert times.tolist()[:6] == [utc, utc, utc - pd.Timedelta(hours=1),
                                  pd.Timestamp("2024-03-11 11:15", tz="UTC"), utc + pd.Timedelta(hours=4), utc]
    assert times.iloc[6:].isna().all()
    assert errors.iloc[6] == "not a date and time: 'not a date'" and errors.drop(6).isna().all()
    month_first, _ = _values.parse_times(["03/11/2024 12:15"], tz="UTC", dayfirst=False)
    assert month_first.iloc[0] == pd.Timestamp("2024-03-11 12:15", tz="UTC")


# ---------------------------------------------------------------------------------------------
# JSON Lines read from the file a block at a time
# ---------------------------------------------------------------------------------------------
_LINES = st.lists(st.one_of(
    st.sampled_from(['{"data": [{"id": "1_2", "created_time": "2024-01-01T10:00:00+0000"}]}', '{"a": 1}', "[1, 2]",
                     '{"b": "Sjö ❄️"}', "", " ", "\t", "\x0b", "{", "}", '{"a": 1} {"b": 2}', "x", "\ufeff{}"]),
    st.text(alphabet='{}[]":,0123456789ab \t\r\x0b\x0cé❄', max_size=8)), min_size=1, max_size=12)


def _chunks_of(make):
    try:
        return "ok", [c for c in make() if c]  # empty chunks (of white space) hold no values
    except Exception as exc:
        return "raised", (type(exc), str(exc))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(_LINES, _LINES.map(lambda lines: ['{"first": [1, 2.5, null]}', *lines])),
       st.sampled_from(["", "\ufeff", "\n \n", "\ufeff \r\n"]), st.sampled_from(["", "\n", "\r\n", "\n \t\n "]),
       st.sampled_from(["\n", "\r\n"]), st.integers(1, 9), st.integers(1, 3), st.integers(5, 40))
def test_json_lines_read_from_the_file_in_blocks_equal_reading_it_whole(tmp_path_factory, lines, head, tail, newline,
                                                                       block, size, chars):
    from kommunsocial.io import _json

    data = (head + newline.join(lines) + tail).encode("utf-8")
    path = tmp_path_factory.mktemp("lines") / "x.jsonl"
    path.write_bytes(data)
    whole = _json.utf8_json_lines(data)
    start = _json.json_lines_start(path)
    assert (start is None) == (whole is None)
    event("JSON Lines" if whole is not None else "not JSON Lines")
    if whole is None:
        return
    old_chars, _json.CHUNK_CHARS = _json.CHUNK_CHARS, chars
    try:
        with open(path, "rb") as fh:
            streamed = _chunks_of(lambda: _json.line_chunks(_json.file_lines(fh, start, block=block), "x", size=size))
        assert streamed == _chunks_of(lambda: _json.json_line_chunks(whole, "x", size=size))
    finally:
        _json.CHUNK_CHARS = old_chars


def test_json_lines_entries_keep_bad_lines_and_skip_the_marks_of_joined_files():
    from kommunsocial.io._json import load_json_entries

    # two files joined end to end (the second with its byte-order mark), a cut line, a blank line
    # and a bare number: the cut line is kept with what is wrong (the caller quarantines it)
    data = b'{"id": "1"}\n\xef\xbb\xbf{"id": "2"}\n{"id": \n\n7\n'
    is_lines, entries = load_json_entries(data, "x.jsonl")
    assert is_lines
    assert entries == [(1, {"id": "1"}, None), (2, {"id": "2"}, None),
                       (3, None, "line 3 is not valid JSON (Expecting value, column 7)"), (5, "7", None)]

"""The shared value parsers and CSV/text decoding, on values worked out by hand."""

import pandas as pd
import pytest

from kommunsocial.errors import LoadError
from kommunsocial.io._csv import read_csv_records
from kommunsocial.io._decode import decode_text
from kommunsocial.io._values import normalise_post_type, parse_bools, parse_counts, parse_ids, parse_times


def utc(s):
    return pd.Timestamp(s, tz="UTC")


def test_counts_thousands_separators_decimals_and_missing():
    values, errors = parse_counts(["1,433", "1 972 048", "2954.0", "N/A", "", "None", "0", "7"])
    assert values.tolist() == [1433, 1972048, 2954, pd.NA, pd.NA, pd.NA, 0, 7]
    assert errors.isna().all()
    assert str(values.dtype) == "Int64"


def test_counts_negative_and_garbage_are_errors_not_zero():
    values, errors = parse_counts(["-3", "12.5", "many"])
    assert values.isna().all()
    assert errors.tolist() == ["negative count -3", "not a whole number: '12.5'", "not a whole number: 'many'"]


def test_times_offsets_abbreviations_epoch_and_naive_local():
    values, errors = parse_times(
        ["2024-03-11T12:15:02+0000", "2024-03-11 08:15:02 EDT", "2023-11-13 04:30:36 EST", "1710159302",
         "2024-03-11T12:15:02.000Z", "11.03.2024 13:15", "11/03/2024 13:15", "2024-07-01 10:00:00"],
        tz="Europe/Stockholm")
    assert errors.isna().all()
    assert values.tolist() == [utc("2024-03-11 12:15:02"), utc("2024-03-11 12:15:02"), utc("2023-11-13 09:30:36"),
                               utc("2024-03-11 12:15:02"), utc("2024-03-11 12:15:02"), utc("2024-03-11 12:15"),
                               utc("2024-03-11 12:15"), utc("2024-07-01 08:00")]  # CEST is UTC+2 in July
    assert str(values.dtype) == "datetime64[us, UTC]"


def test_times_daylight_saving_rule():
    # 2024-03-31 02:30 does not exist in Stockholm (clocks jump 02:00 -> 03:00): moved to 03:00 CEST.
    # 2024-10-27 02:30 happens twice: the first (summer time, UTC+2) reading is taken.
    values, _ = parse_times(["2024-03-31 02:30", "2024-10-27 02:30"], tz="Europe/Stockholm")
    assert values.tolist() == [utc("2024-03-31 01:00"), utc("2024-10-27 00:30")]


def test_times_month_first_when_asked():
    values, _ = parse_times(["03/04/2024 10:00"], tz="UTC", dayfirst=False)
    assert values.iloc[0] == utc("2024-03-04 10:00")


def test_times_garbage_is_an_error_with_the_value():
    values, errors = parse_times(["yesterday", "", "2024-13-45 10:00"])
    assert values.isna().all()
    assert errors.tolist() == ["not a date and time: 'yesterday'", pd.NA, "not a date and time: '2024-13-45 10:00'"]


def test_ids_stay_strings_as_written():
    # a float artefact is kept as written, for finish_table to quarantine (see test_bad_inputs.py)
    ids = parse_ids(["1234567890123456789", "100064512345678.0", " 42 ", "None"])
    assert ids.tolist() == ["1234567890123456789", "100064512345678.0", "42", pd.NA]


def test_post_types_and_booleans():
    assert normalise_post_type(["Photo", "Native Video", "Live Video Complete", "Link", None, "Mystery"]).tolist() == \
        ["photo", "video", "live", "link", "status", "other"]
    values, errors = parse_bools(["true", "Ja", "0", "nei", "", "maybe"])
    assert values.tolist() == [True, True, False, False, pd.NA, pd.NA]
    assert errors.notna().tolist() == [False, False, False, False, False, True]


def test_decode_utf8_bom_cp1252_utf16():
    assert decode_text("\ufeffSjö".encode("utf-8"), "a.csv") == ("Sjö", "utf-8")
    assert decode_text("Sjö;Älv".encode("cp1252"), "a.csv") == ("Sjö;Älv", "cp1252")
    assert decode_text("Sjö\tÄlv".encode("utf-16"), "a.csv") == ("Sjö\tÄlv", "utf-16")


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"  \n ", "the file is empty"),
    (b"PK\x03\x04rest", "zip or Excel workbook"),
    (b"\x00\x01\x02\xff\xfe\x00" * 100, "binary content"),
])
def test_decode_rejects_with_the_file_name(data, message):
    with pytest.raises(LoadError, match=message) as info:
        decode_text(data, "export.csv")
    assert str(info.value).startswith("export.csv")


def test_csv_records_keep_quoted_newlines_and_flag_ragged_rows():
    text = 'a;b;c\r\n1;"two\r\nlines";3\r\n4;5\r\n6;7;8;;\r\n'
    header, rows, bad = read_csv_records(text, "x.csv")
    assert header == ["a", "b", "c"]
    assert rows == [(1, ["1", "two\r\nlines", "3"]), (3, ["6", "7", "8"])]
    assert bad == [(2, ["4", "5"], "expected 3 fields, found 2")]


def test_csv_unterminated_quote_names_the_row():
    with pytest.raises(LoadError, match=r"x.csv, row 2"):
        read_csv_records('a,b\n1,2\n3,"open\n' + "x" * 10, "x.csv")


def test_a_head_cut_inside_a_character_still_decodes():
    # detection reads the first 64 KiB, which can end inside a multi-byte character such as an emoji
    data = "Page Name,Message\nSjöviks kommun,Snö ❄️".encode("utf-8")
    assert decode_text(data[:-2], "x.csv") == ("Page Name,Message\nSjöviks kommun,Snö ❄", "utf-8")

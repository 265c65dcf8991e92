"""Time zone abbreviations from the tz database, the table of ambiguous ones and the override."""

from __future__ import annotations

import pandas as pd
import pytest

from kommunsocial.errors import KommunsocialError
from kommunsocial.io._values import parse_times
from kommunsocial.io._zones import AMBIGUOUS_ZONES, resolve_abbreviations, zone_offsets


def test_tz_database_offsets_by_hand():
    known = zone_offsets()
    assert known["CEST"] == ("+02:00",)
    assert known["AEST"] == ("+10:00",)
    assert known["JST"] == ("+09:00",)
    assert known["NZDT"] == ("+13:00",)
    assert known["ACST"] == ("+09:30",)
    assert set(known["IST"]) == {"+01:00", "+02:00", "+05:30"}  # Ireland, Israel, India
    assert "BRT" not in known  # the tz database writes "-03" since 2017


def test_every_ambiguous_abbreviation_in_the_tz_database_has_a_documented_choice():
    known = zone_offsets()
    several = {a for a, offsets in known.items() if len(offsets) > 1}
    assert several <= set(AMBIGUOUS_ZONES)
    assert all(AMBIGUOUS_ZONES[a] in known[a] for a in several)


def test_resolution_order_option_then_table_then_tz_database():
    offsets, problems = resolve_abbreviations(["BRT", "IST", "WIB", "QQQ"], {"ist": "+01:00"})
    assert offsets == {"BRT": "-03:00", "IST": "+01:00", "WIB": "+07:00"}
    assert list(problems) == ["QQQ"]
    assert "zone_abbreviations={'QQQ'" in problems["QQQ"]


@pytest.mark.parametrize("text, utc", [
    ("2021-07-05 18:02:45 BRT", "2021-07-05 21:02:45"),   # -03:00
    ("2021-07-05 18:02:45 CEST", "2021-07-05 16:02:45"),  # +02:00
    ("2021-07-05 18:02:45 AEST", "2021-07-05 08:02:45"),  # +10:00
    ("2021-07-05 18:02:45 JST", "2021-07-05 09:02:45"),   # +09:00
    ("2021-07-05 18:02:45 IST", "2021-07-05 12:32:45"),   # +05:30 (the table's choice)
    ("2021-01-05 03:30:00 ACDT", "2021-01-04 17:00:00"),  # +10:30, across midnight
    ("2021-07-05 18:02:45 EDT", "2021-07-05 22:02:45"),   # -04:00
    ("07/05/2021 06:02 PM", "2021-07-05 18:02:00"),       # PM is not a zone
])
def test_parse_times_reads_abbreviations(text, utc):
    values, errors = parse_times([text], dayfirst=False)
    assert values[0] == pd.Timestamp(utc, tz="UTC")
    assert errors.isna().all()


def test_override_and_the_reason_naming_the_option():
    values, errors = parse_times(["2021-07-05 18:02:45 IST", "2021-07-05 18:02:45 QQQ"],
                                 abbreviations={"IST": "+01:00", "QQQ": "-02:30"})
    assert list(values) == [pd.Timestamp("2021-07-05 17:02:45", tz="UTC"),
                            pd.Timestamp("2021-07-05 20:32:45", tz="UTC")]
    values, errors = parse_times(["2021-07-05 18:02:45 QQQ"] * 3)
    assert values.isna().all()
    assert errors[0] == ("not a date and time: '2021-07-05 18:02:45 QQQ' (the time zone abbreviation 'QQQ' is "
                         "not in the tz database: name its offset with the option "
                         "zone_abbreviations={'QQQ': '+01:00'})")


@pytest.mark.parametrize("bad", [{"IST": "5:30"}, {"IST": 5.5}, {"I1": "+01:00"}, ["IST"]])
def test_a_bad_override_is_an_error(bad):
    with pytest.raises(KommunsocialError, match="zone_abbreviations"):
        parse_times(["2021-07-05 18:02:45 IST"], abbreviations=bad)

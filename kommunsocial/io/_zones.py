"""Time zone abbreviations (``BRT``, ``CEST``, ``AEST``…) as UTC offsets.

Dashboards such as CrowdTangle write times in the account's zone with its abbreviation
(``2021-07-05 18:02:45 BRT``). The offsets come from the tz database that ships with Python
(:mod:`zoneinfo`, with the ``tzdata`` package where the system has none): for each abbreviation,
the offsets it has had since 2004 in the zones that use it. Nothing is downloaded.

An abbreviation with one offset is read with it. One with several (``IST`` is India, Ireland and
Israel) is read with the choice in :data:`AMBIGUOUS_ZONES`, and abbreviations the tz database no
longer writes (it replaced South American and Asian ones such as ``BRT`` by numbers in 2017) come
from :data:`RETIRED_ZONES`. The reader option ``zone_abbreviations`` overrides both:
``ks.load(path, options={"zone_abbreviations": {"IST": "+01:00"}})``.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

from ..errors import KommunsocialError

__all__ = ["AMBIGUOUS_ZONES", "RETIRED_ZONES", "OPTION", "ZoneOptionError", "check_overrides",
           "zone_offsets", "resolve_abbreviations"]

#: The reader option that names offsets of abbreviations.
OPTION = "zone_abbreviations"

#: Abbreviations with several offsets in the tz database, and the offset read unless the option
#: says otherwise. Each choice is the reading a dashboard user most likely meant.
AMBIGUOUS_ZONES = {
    # US Central: CrowdTangle is a US product whose dashboards default to US zones;
    # China Standard Time (+08:00) and Cuba (-05:00) need the option
    "CST": "-06:00",
    "CDT": "-05:00",  # US Central summer time; Cuba's summer time (-04:00) needs the option
    # India Standard Time: by far the most users; Irish summer time (+01:00) and Israel (+02:00)
    # need the option
    "IST": "+05:30",
    "PST": "-08:00",  # US Pacific; Philippine Standard Time (+08:00) needs the option
    "KST": "+09:00",  # Korea; Pyongyang used +08:30 only from 2015 to 2018
    "MSK": "+03:00",  # Moscow since October 2014; its +04:00 of 2011-2014 needs the option
}

#: Abbreviations still written by dashboards that the tz database replaced by numeric names
#: (``-03``) in 2017, with their offset since then.
RETIRED_ZONES = {
    "BRT": "-03:00",   # Brasília time
    "BRST": "-02:00",  # Brasília summer time (until 2019)
    "ART": "-03:00",   # Argentina
    "CLT": "-04:00",   # Chile standard time
    "CLST": "-03:00",  # Chile summer time
    "COT": "-05:00",   # Colombia
    "PET": "-05:00",   # Peru
    "UYT": "-03:00",   # Uruguay
    "VET": "-04:00",   # Venezuela since 2016 (-04:30 from 2007 needs the option)
    "ICT": "+07:00",   # Indochina (Thailand, Vietnam, Cambodia, Laos)
    "SGT": "+08:00",   # Singapore
    "MYT": "+08:00",   # Malaysia
    "PHT": "+08:00",   # Philippines
    "GST": "+04:00",   # Gulf Standard Time (United Arab Emirates, Oman)
    "TRT": "+03:00",   # Turkey since 2016
}

_OFFSET = re.compile(r"^[+-](?:0\d|1[0-4]):[0-5]\d$")
_NAME = re.compile(r"^[A-Z]{2,5}$")


class ZoneOptionError(KommunsocialError, ValueError):
    """The ``zone_abbreviations`` option names something that is not an abbreviation and offset."""


@lru_cache(maxsize=1)
def zone_offsets() -> dict[str, tuple[str, ...]]:
    """Each alphabetic abbreviation in the tz database → the UTC offsets (``"+05:30"``) it has had
    since 2004 (the first year posts are read from) in any zone, sorted.

    Each zone is sampled in the middle of every third month, which meets every summer time.
    """
    seen: dict[str, set[str]] = {}
    for name in sorted(zoneinfo.available_timezones()):
        zone = zoneinfo.ZoneInfo(name)
        for year in range(2004, dt.date.today().year + 1):
            for month in (1, 4, 7, 10):
                moment = dt.datetime(year, month, 15, 12, tzinfo=zone)
                abbr = moment.tzname()
                if abbr and _NAME.match(abbr):
                    seen.setdefault(abbr, set()).add(_format(moment.utcoffset()))
    return {abbr: tuple(sorted(offsets)) for abbr, offsets in seen.items()}


def _format(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def check_overrides(overrides) -> dict[str, str]:
    """The ``zone_abbreviations`` option as ``{"IST": "+01:00"}``, checked."""
    if not overrides:
        return {}
    if not isinstance(overrides, dict):
        raise ZoneOptionError(f"the option {OPTION!r} must map abbreviations to offsets, "
                              f"like {{'IST': '+05:30'}}; found {overrides!r}")
    out = {}
    for abbr, offset in overrides.items():
        key = str(abbr).strip().upper()
        if not _NAME.match(key) or not isinstance(offset, str) or not _OFFSET.match(offset.strip()):
            raise ZoneOptionError(f"the option {OPTION!r} maps {abbr!r} to {offset!r}: expected an "
                                  "abbreviation of 2-5 letters and an offset like '+05:30' or '-03:00'")
        out[key] = offset.strip()
    return out


def resolve_abbreviations(abbreviations, overrides=None) -> tuple[dict[str, str], dict[str, str]]:
    """``(offsets, problems)`` for the distinct ``abbreviations``: each one's offset, or why it has
    none (unknown, or several offsets and no choice), naming the option that fixes it.

    >>> resolve_abbreviations(["BRT", "JST", "CEST"])[0]
    {'BRT': '-03:00', 'JST': '+09:00', 'CEST': '+02:00'}
    """
    given = check_overrides(overrides)
    known = zone_offsets()
    offsets, problems = {}, {}
    for abbr in abbreviations:
        candidates = known.get(abbr, ())
        if abbr in given:
            offsets[abbr] = given[abbr]
        elif abbr in AMBIGUOUS_ZONES:
            offsets[abbr] = AMBIGUOUS_ZONES[abbr]
        elif abbr in RETIRED_ZONES:
            offsets[abbr] = RETIRED_ZONES[abbr]
        elif len(candidates) == 1:
            offsets[abbr] = candidates[0]
        else:
            what = (f"has several offsets ({', '.join(candidates)})" if candidates
                    else "is not in the tz database")
            example = candidates[0] if candidates else "+01:00"
            problems[abbr] = (f"the time zone abbreviation {abbr!r} {what}: name its offset with the "
                              f"option {OPTION}={{{abbr!r}: {example!r}}}")
    return offsets, problems

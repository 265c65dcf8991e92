"""Project paths and defaults; nothing here reads data, prints or logs at import."""

from __future__ import annotations

import os
from pathlib import Path

from .language import DETECTED

__all__ = [
    "project_root",
    "raw_dir",
    "processed_dir",
    "reports_dir",
    "salt_file",
    "LANGUAGES",
    "COUNTRY_TIMEZONES",
    "page_timezone",
]

#: Languages kommunsocial detects (:data:`kommunsocial.language.DETECTED`; any other is "other",
#: and "und" stands for undetermined).
LANGUAGES = DETECTED

#: Local time zone of a page, by its country (ISO 3166 alpha-2).
COUNTRY_TIMEZONES = {
    "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo",
    "DK": "Europe/Copenhagen",
    "FI": "Europe/Helsinki",
    "IS": "Atlantic/Reykjavik",
}


def project_root() -> Path:
    """The project folder: ``$KOMMUNSOCIAL_ROOT``, else the checkout the package lives in, else the cwd."""
    env = os.environ.get("KOMMUNSOCIAL_ROOT")
    if env:
        return Path(env).expanduser().resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").is_file() and (here / "kommunsocial").is_dir():
        return here
    return Path.cwd()


def raw_dir(dataset: str = "") -> Path:
    return project_root() / "data" / "raw" / dataset


def processed_dir(dataset: str = "") -> Path:
    return project_root() / "data" / "processed" / dataset


def reports_dir(dataset: str = "") -> Path:
    return project_root() / "reports" / dataset


def salt_file() -> Path:
    """Where the project's pseudonymisation salt lives when ``$KOMMUNSOCIAL_SALT`` is unset (git-ignored)."""
    env = os.environ.get("KOMMUNSOCIAL_SALT_FILE")
    return Path(env) if env else project_root() / ".kommunsocial-salt"


def page_timezone(country) -> str:
    """The IANA time zone analyses use for a page of ``country``; UTC when the country is unknown."""
    if isinstance(country, str):
        return COUNTRY_TIMEZONES.get(country.upper(), "UTC")
    return "UTC"

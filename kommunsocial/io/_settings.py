"""A raw folder's own settings: ``kommunsocial.json`` (or ``mapping.json``) beside the exports.

``make reports DATASET=x`` runs ``kommunsocial ingest data/raw/x``: nothing but the folder reaches
the load, so what a Python user passes to :func:`kommunsocial.load` (a column mapping for a CSV from
anywhere, reader options, the zone of naive timestamps) is written once into the folder instead::

    {
      "mapping": {"posts.csv": {"table": "posts", "platform": "x",
                                "columns": {"post_id": "id", "page_id": "userid", "text": "tweetText",
                                            "created_at": "createdDate"}}},
      "options": {"account": ["lyngstadkommune"], "zone_abbreviations": {"IST": "+01:00"}},
      "timezone": "Europe/Stockholm"
    }

``mapping`` is any mapping :func:`kommunsocial.load` takes (one for every CSV, or one per file
name); ``mapping.json`` holds only that. Arguments given to ``load`` take precedence over the file.
The files are settings, not data: the reader never reads them as an export.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import LoadError

__all__ = ["SETTINGS_FILES", "folder_settings", "mapping_for", "as_settings"]

#: The settings files a raw folder may hold, in the order they are looked for.
SETTINGS_FILES = ("kommunsocial.json", "mapping.json")
_KEYS = {"mapping", "options", "timezone", "format"}


def folder_settings(paths) -> dict:
    """The settings of the raw folders among ``paths``: ``{"mapping", "options", "timezone", "format"}``
    (only the keys a file gives), with ``"file"`` naming where they came from; ``{}`` when none.

    Raises :class:`~kommunsocial.errors.LoadError` for a settings file that is not a JSON object,
    names a key it does not know, or when two folders both have settings (give one folder at a time).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found = []
    for p in map(Path, paths):
        if not p.is_dir():
            continue
        for name in SETTINGS_FILES:
            if (p / name).is_file():
                found.append((p / name, name))
                break
    if not found:
        return {}
    if len(found) > 1:
        raise LoadError(", ".join(str(f) for f, _ in found),
                        "several folders have settings; load one folder at a time, or pass mapping= and options=")
    path, name = found[0]
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        row = getattr(err, "lineno", None)
        raise LoadError(name, f"the folder's settings are not valid JSON: {err}", row=row) from None
    if not isinstance(doc, dict):
        raise LoadError(name, f"the folder's settings must be a JSON object, not {type(doc).__name__}")
    if name == "mapping.json":
        doc = {"mapping": doc}
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise LoadError(name, f"unknown setting(s) {unknown}; a settings file may hold {sorted(_KEYS)}",
                        column=unknown[0])
    for key, kind in (("mapping", dict), ("options", dict), ("timezone", str), ("format", str)):
        if key in doc and not isinstance(doc[key], kind):
            raise LoadError(name, f"'{key}' must be a JSON {'object' if kind is dict else 'string'}", column=key)
    return {**doc, "file": name}


def as_settings(mapping: dict) -> dict:
    """A mapping in its long form: a flat ``{model column: file column}`` becomes ``{"columns": …}``."""
    if mapping and not (set(mapping) & {"table", "platform", "timezone", "dayfirst", "columns"}):
        return {"columns": mapping}
    return dict(mapping)


def mapping_for(mapping, name: str, path: Path):
    """The mapping of one file (by its name relative to the folder, or its file name), in the long form;
    None when there is none, or when ``mapping`` is one per file and does not name this one."""
    if not mapping:
        return None
    if name in mapping or path.name in mapping:
        return as_settings(mapping.get(name, mapping.get(path.name)))
    if all(isinstance(v, dict) for v in mapping.values()) and not (set(mapping) & {"columns"}):
        return None  # a per-file mapping that does not name this file
    return as_settings(mapping)

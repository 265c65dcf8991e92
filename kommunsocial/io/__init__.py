"""Readers of raw exports: one module per format, detection from content, one ``read_file`` entry.

Each format module defines ``FORMAT`` (a ``source_format`` name), ``sniff(head, name) -> bool``
(``head`` is the file's first 64 KiB as bytes) and ``read(path, *, name, options) -> Parsed``.
Detection asks the modules in ``READERS`` order and takes the first that recognises the file;
the generic CSV reader comes last.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import LoadError
from ._common import Parsed, Quarantine

__all__ = ["READERS", "detect", "read_file", "list_inputs", "Parsed", "Quarantine"]

#: Format name -> module, in detection order (most specific first).
READERS = {
    "crowdtangle": "crowdtangle",
    "facepager": "facepager",
    "mcl": "mcl",
    "graph_api": "graph_api",
    "instagram": "instagram",
    "dyi": "dyi",
    "x_v2": "x_v2",
    "twarc2": "twarc2",
    "csv": "generic_csv",
}
#: Files in a dataset folder that are documentation or settings, not data.
IGNORED_NAMES = {"readme.md", "readme.txt", "readme", "license", "mapping.json", "kommunsocial.json", ".gitkeep",
                 "planted.json", "coding"}
DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".xlsx", ".xlsm"}


def _module(fmt: str):
    try:
        modname = READERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; known formats: {', '.join(READERS)}") from None
    try:
        return importlib.import_module(f".{modname}", __name__)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith(modname):
            return None  # a format whose reader is not part of this installation yet
        raise


def available_formats() -> list[str]:
    return [f for f in READERS if _module(f) is not None]


def detect(path) -> str:
    """The format of a raw export file, recognised from its content (not its name)."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if not head.lstrip(b"\xef\xbb\xbf").strip():
        raise LoadError(path.name, "the file is empty")
    for fmt in READERS:
        module = _module(fmt)
        if module is not None and module.sniff(head, path.name):
            return fmt
    start = head.lstrip()[:200].decode("utf-8", "replace")
    if start.lower().startswith(("<!doctype html", "<html")):
        raise LoadError(path.name, "this is an HTML page (perhaps an error page saved by a browser or API client), "
                                   "not an export")
    raise LoadError(path.name, f"not a format kommunsocial knows (formats: {', '.join(available_formats())}); "
                               f"the file starts with {start[:60]!r}. For a CSV from elsewhere pass a column mapping.")


def read_file(path, *, format: str | None = None, name: str | None = None, **options) -> Parsed:
    """Read one raw export into data-model tables (not yet cleaned or pseudonymised)."""
    path = Path(path)
    name = name or path.name
    if format is not None and path.stat().st_size == 0:
        raise LoadError(name, "the file is empty")
    fmt = format or detect(path)
    module = _module(fmt)
    if module is None:
        raise LoadError(name, f"the {fmt} reader is not available in this version of kommunsocial")
    if format is not None and fmt != "csv":
        with open(path, "rb") as fh:
            head = fh.read(65536)
        if not module.sniff(head, path.name):
            try:
                found = detect(path)
            except LoadError:
                found = "an unknown format"
            raise LoadError(name, f"format={fmt!r} was given, but the file does not look like {fmt} "
                                  f"(it looks like {found})")
    parsed = module.read(path, name=name, options=options)
    parsed.info.setdefault("format", fmt)
    return parsed


def list_inputs(paths) -> list[tuple[Path, str]]:
    """Expand files and folders into ``(file, name)`` pairs, sorted, skipping docs and hidden files.

    ``name`` is the path relative to the folder given (just the file name for a file given
    directly): it is what ``source_file`` records, never an absolute path.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if (f.is_file() and not any(part.startswith(".") for part in rel.parts)
                        and f.suffix.lower() in DATA_SUFFIXES and f.name.lower() not in IGNORED_NAMES
                        and not any(part.lower() in IGNORED_NAMES for part in rel.parts[:-1])):
                    found.append((f, rel.as_posix()))
        elif p.is_file():
            found.append((p, p.name))
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    if not found:
        raise LoadError(", ".join(str(p) for p in paths), "no export files found (looked for "
                                                           f"{', '.join(sorted(DATA_SUFFIXES))})")
    return found

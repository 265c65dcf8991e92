"""Readers of raw exports: one module per format, detection from content, one ``read_file`` entry.

Each format module defines ``FORMAT`` (a ``source_format`` name), ``sniff(head, name) -> bool``
(``head`` is the file's first 64 KiB as bytes) and ``read(path, *, name, options) -> Parsed``.
Detection asks the modules in ``READERS`` order and takes the first that recognises the file;
the generic CSV reader comes last.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np

from ..errors import LoadError
from ._common import Parsed, Quarantine, decode_text, read_text

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
    found = _sniff(head, path.name)
    if found:
        return found
    # nothing recognised the bytes: decode them as every reader does (which names a NUL byte, binary
    # content or undecodable UTF-16) and try again on the text as UTF-8, which the sniffers expect
    text, encoding = decode_text(head, path.name)
    if encoding != "utf-8":
        found = _sniff(text.encode("utf-8"), path.name)
        if found:
            return found
    start = text.lstrip("\ufeff").lstrip()
    if start.lower().startswith(("<!doctype html", "<html")):
        raise LoadError(path.name, "this is an HTML page (perhaps an error page saved by a browser or API client), "
                                   "not an export")
    if start[:1] in ("{", "["):
        _check_json(path)
    first = start.split("\n", 1)[0]
    if not any(d in first for d in ",;\t") and first.count("|") >= 2:
        raise LoadError(path.name, f"the header {first[:60]!r} is split by '|': kommunsocial reads CSV split by "
                                   "commas, semicolons or tabs; save it with one of those", row=0)
    raise LoadError(path.name, f"not a format kommunsocial knows (formats: {', '.join(available_formats())}); "
                               f"the file starts with {start[:60]!r}. For a CSV from elsewhere pass a column mapping.")


def _sniff(head: bytes, name: str) -> str | None:
    for fmt in READERS:
        module = _module(fmt)
        if module is not None and module.sniff(head, name):
            return fmt
    return None


def _check_json(path: Path):
    """Raise the error that explains why a file that starts like JSON was not recognised: nesting
    too deep for any export, or JSON that is not valid."""
    text, _ = read_text(path)
    try:
        json.loads(text.lstrip("\ufeff"), parse_int=str, parse_float=str)
    except RecursionError:
        depth = _depth(text)
        raise LoadError(path.name, f"JSON nested deeper than {depth if depth else 'Python can parse'} levels "
                                   f"(an export nests a few levels; this is not an export)") from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # JSON Lines: each line is checked by the readers
            return
        raise LoadError(path.name, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno} (the file "
                                   "may be truncated or damaged)", row=exc.lineno) from None


def _depth(text: str) -> int:
    """The deepest nesting of brackets in ``text`` (strings not told apart: for a message only)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    step = np.isin(codes, (ord("["), ord("{"))).astype(np.int64) - np.isin(codes, (ord("]"), ord("}")))
    return int(np.cumsum(step).max()) if len(step) else 0


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


def list_inputs(paths, *, skipped: list | None = None) -> list[tuple[Path, str]]:
    """Expand files and folders into ``(file, name)`` pairs, sorted, skipping docs and hidden files.

    ``name`` is the path relative to the folder given (just the file name for a file given
    directly): it is what ``source_file`` records, never an absolute path. Any other file in a
    folder that is not read (a zip, an old ``.xls`` workbook, a compressed JSON, a link to nothing…)
    is appended to ``skipped`` as ``{"file": name, "reason": why}``, for the manifest.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    skipped = [] if skipped is None else skipped
    found = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if (any(part.startswith(".") for part in rel.parts) or f.name.lower() in IGNORED_NAMES
                        or any(part.lower() in IGNORED_NAMES for part in rel.parts[:-1])
                        or f.is_dir() or f.name.lower().startswith("readme")):
                    continue  # documentation, settings and hidden files: not data, by design
                if f.is_file() and f.suffix.lower() in DATA_SUFFIXES:
                    found.append((f, rel.as_posix()))
                else:
                    skipped.append({"file": rel.as_posix(), "reason": _why_skipped(f)})
        elif p.is_file():
            found.append((p, p.name))
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    if not found:
        also = (f"; not read: {', '.join(s['file'] + ' (' + s['reason'] + ')' for s in skipped[:5])}"
                if skipped else "")
        raise LoadError(", ".join(str(p) for p in paths), "no export files found (looked for "
                                                           f"{', '.join(sorted(DATA_SUFFIXES))}){also}")
    return found


#: Why a file of these kinds is not read, and what to do instead.
_SKIP_REASONS = {
    ".zip": "a zip archive: unzip it into the folder",
    ".gz": "a compressed file: decompress it into the folder",
    ".bz2": "a compressed file: decompress it into the folder",
    ".xz": "a compressed file: decompress it into the folder",
    ".7z": "an archive: unpack it into the folder",
    ".xls": "an old Excel workbook (.xls): save it as .xlsx or CSV",
    ".ods": "an OpenDocument spreadsheet: save it as .xlsx or CSV",
    ".parquet": "a Parquet table: kommunsocial reads raw exports, not processed tables",
}


def _why_skipped(f: Path) -> str:
    if f.is_symlink() and not f.exists():
        return "a symbolic link to a file that does not exist"
    if not f.is_file():
        return "not a regular file"
    known = _SKIP_REASONS.get(f.suffix.lower())
    return known or (f"not a kind of file kommunsocial reads ({f.suffix or 'no extension'}; it reads "
                     f"{', '.join(sorted(DATA_SUFFIXES))})")

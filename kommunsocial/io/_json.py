"""JSON and JSON Lines as the JSON readers (Graph API, Instagram, DYI, X v2, MCL) load them:
sniffing a file's head, decoding, parsing (numbers kept as text), streaming JSON Lines a block at a
time, and walking Graph-style edges and paging URLs."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, unquote, urlparse

from .._gc import gc_paused
from ..errors import LoadError
from ._checks import JsonNumber, json_constant, repair_surrogates
from ._decode import decode_text, html_error

__all__ = ["key_pattern", "head_text", "load_json", "json_text", "utf8_json_lines", "json_line_chunks", "text_lines",
           "file_lines", "line_chunks", "json_lines_start", "load_json_entries", "edge_records", "url_hint",
           "CHUNK_LINES", "CHUNK_CHARS"]


def key_pattern(*keys: str) -> re.Pattern:
    """A regex finding any of ``keys`` used as a JSON object key (not inside an escaped string)."""
    alt = "|".join(re.escape(k) for k in keys)
    return re.compile(r'(?<![\\\w])"(?:' + alt + r')"\s*:')


def head_text(head: bytes) -> str:
    """The start of a file as text for sniffing: BOM and leading white space removed."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head.decode("utf-16", "replace")
    else:
        text = head.decode("utf-8", "replace")
    return text.lstrip("\ufeff \t\r\n")


def load_json(data: bytes, name: str, *, what: str, object_hook=None) -> list[tuple[int | None, object]]:
    """Parse a JSON or JSON Lines file into ``[(line_or_None, value), ...]``.

    Integers and decimals stay strings (``parse_int=str``), so 15–19 digit ids never pass through
    floats. An empty file, an HTML page saved as ``.json``, text that is not JSON, a truncated
    document or a broken JSON Lines line raise :class:`LoadError` naming the file (and the line).
    ``what`` names the format in messages.
    """
    text, single = json_text(data, name, what=what, object_hook=object_hook)
    if single is not None:
        return single
    return [doc for chunk in json_line_chunks(text, name, object_hook=object_hook) for doc in chunk]


def _json_kwargs(object_hook=None) -> dict:
    return dict(parse_int=str, parse_float=str, parse_constant=json_constant, object_hook=object_hook)


def json_text(data: bytes, name: str, *, what: str, object_hook=None):
    """Decode and check a JSON file: ``(text, [(None, value)])`` for one JSON document, or
    ``(text, None)`` for JSON Lines (read them with :func:`json_line_chunks`)."""
    text, _ = decode_text(data, name)  # empty / binary files raise here
    text = text.lstrip("\ufeff").strip()
    if not text:
        raise LoadError(name, "the file is empty")
    html_error(text, name, expected=f"a {what} JSON file")
    if text[:1] == "<":
        raise LoadError(name, f"this is XML or HTML, not JSON, not a {what} JSON file")
    if text[0] not in "[{":
        raise LoadError(name, f"not a {what} JSON file: it starts with {text[:40]!r}")
    try:
        return text, [(None, json.loads(text, **_json_kwargs(object_hook)))]
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise LoadError(name, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno} "
                                  f"(the file may be truncated or damaged)") from None
    except RecursionError:
        raise LoadError(name, "the JSON is nested too deeply to be an API response") from None
    return text, None  # several documents: JSON Lines, one value per line


def utf8_json_lines(data: bytes) -> bytes | None:
    """``data`` without BOM and surrounding white space when it is UTF-8 JSON Lines (its first line
    a JSON value of its own, more after it), else None. JSON Lines are then parsed from the bytes
    line by line, never decoded into one (up to 4 bytes a character) string."""
    body = data[3:] if data[:3] == b"\xef\xbb\xbf" else data
    body = body.strip()
    if body[:1] not in (b"{", b"[") or b"\x00" in body[:4096]:
        return None
    end = body.find(b"\n")
    if end < 0 or not body[end:].strip():
        return None
    try:
        json.loads(body[:end], **_json_kwargs())
    except (ValueError, RecursionError):  # not a line of its own (pretty-printed JSON), or not UTF-8
        return None
    return body


def json_line_chunks(text, name: str, *, size: int | None = None, object_hook=None):
    """The values of a JSON Lines text (or UTF-8 bytes) as lists of ``(line, value)``, ``size``
    lines (default :data:`CHUNK_LINES`) or :data:`CHUNK_CHARS` characters at a time, so that only
    one chunk is parsed into Python objects at once.

    Each line is parsed as ``json.loads`` parses it (one decoder serves every line), with the
    cyclic garbage collector paused while a chunk is parsed: JSON values hold no reference cycles,
    and collections triggered by the millions of objects a chunk creates would double the time."""
    return line_chunks(text_lines(text), name, size=size, object_hook=object_hook)


def text_lines(text):
    """``(number, stripped line, position after it)`` for each line of ``text``."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    length = len(text)
    number, pos = 0, 0
    while pos < length:
        end = text.find(newline, pos)
        end = length if end < 0 else end
        number += 1
        yield number, text[pos:end].strip(), end + 1
        pos = end + 1


def file_lines(fh, start: int, *, block: int = 1 << 24):
    """:func:`text_lines` of a file's bytes from ``start`` on (positions counted from there),
    read a block at a time rather than held in memory whole. White space at the end of the file
    gives blank lines, which hold no values."""
    fh.seek(start)
    number, base, rest = 0, 0, b""  # base: the position of ``rest`` from ``start``
    while True:
        data = fh.read(block)
        if not data:
            break
        buf = rest + data if rest else data
        del data
        cut = buf.rfind(b"\n") + 1  # complete lines only: an escaped pair may straddle the block's end
        if cut:
            buf = repair_surrogates(buf[:cut]) + buf[cut:]
        pos = 0
        while True:
            end = buf.find(b"\n", pos)
            if end < 0:
                break
            number += 1
            yield number, buf[pos:end].strip(), base + end + 1
            pos = end + 1
        rest, base = buf[pos:], base + pos
        del buf
    if rest:
        yield number + 1, repair_surrogates(rest).strip(), base + len(rest) + 1


class BadLine(str):
    """A line of JSON Lines that is not JSON, as :func:`line_chunks` keeps it: what is wrong with it."""


def line_chunks(lines, name: str, *, size: int | None = None, object_hook=None, keep_bad: bool = False):
    """:func:`json_line_chunks` of ``(number, stripped line, position after it)``.

    A line that is not JSON raises :class:`LoadError`, or with ``keep_bad`` (text lines only) is
    kept as a :class:`BadLine` for the caller to quarantine; byte-order marks at the start of a
    line (files joined end to end) are then skipped too."""
    size = size or CHUNK_LINES
    decoder = json.JSONDecoder(**_json_kwargs(object_hook))
    lines = iter(lines)
    chunk, chunk_start = [], 0
    while True:
        full = False
        with gc_paused():
            for number, line, pos in lines:
                if keep_bad and line:
                    line = line.lstrip("\ufeff").strip()
                if line:
                    try:
                        chunk.append((number, _loads(line, decoder)))
                    except json.JSONDecodeError as exc:
                        if not keep_bad:
                            raise LoadError(name, f"line {number} is not valid JSON ({exc.msg} at column {exc.colno}); "
                                                  f"the file may be truncated or hold several JSON documents that are "
                                                  f"not one per line", row=number) from None
                        chunk.append((number, BadLine(f"line {number} is not valid JSON ({exc.msg}, column "
                                                      f"{exc.colno})")))
                    except RecursionError:
                        if not keep_bad:
                            raise LoadError(name, "the JSON is nested too deeply to be an API response",
                                            row=number) from None
                        chunk.append((number, BadLine(f"line {number} is nested too deeply")))
                if len(chunk) >= size or pos - chunk_start >= CHUNK_CHARS:
                    full = True
                    break
        if not full:
            break
        # the generator keeps no hold of a chunk once it is handed over
        out, chunk, chunk_start = [chunk], [], pos
        yield out.pop()
    if chunk:
        out, chunk = [chunk], []
        yield out.pop()


def json_lines_start(path) -> int | None:
    """Where the first line of a UTF-8 JSON Lines file starts (after a byte-order mark and white
    space), when :func:`utf8_json_lines` of its bytes is not None; else None. Only the start of
    the file is read."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
        while True:
            bom = 3 if head[:3] == b"\xef\xbb\xbf" else 0
            body = head[bom:].lstrip()
            start = len(head) - len(body)
            end = body.find(b"\n")
            # enough to decide: the first line, something after it, and 4096 bytes for the NUL check
            if end >= 0 and body[end:].strip() and len(body) >= 4096:
                break
            more = fh.read(1 << 20)
            if not more:
                break
            head += more
    return start if utf8_json_lines(head) is not None else None


def _loads(line, decoder: json.JSONDecoder):
    """``json.loads(line, **_json_kwargs(...))`` with a decoder made once."""
    if isinstance(line, (bytes, bytearray)):
        line = line.decode(json.detect_encoding(line))
    elif line.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", line, 0)
    value = decoder.decode(line)
    if type(value) is str and line[:1] != '"':  # a bare number, parsed as text like every number
        return JsonNumber(value)
    return value


#: JSON Lines files are parsed this many lines (or :data:`CHUNK_CHARS` characters) at a time: a
#: country's comments (3 million in one file) then never sit in memory as Python objects at once.
CHUNK_LINES = 20_000
CHUNK_CHARS = 50_000_000



def load_json_entries(data: bytes, name: str) -> tuple[bool, list]:
    """Parse a JSON document or a JSON Lines file.

    Returns ``(is_lines, entries)``: for a document one entry ``(None, value, None)``; for JSON
    Lines one ``(line_number, value, None)`` per non-empty line, or ``(line_number, None, message)``
    for a line that is not valid JSON (the caller quarantines it). Numbers come back as text.

    Raises :class:`LoadError` for an empty or HTML file, a file that is not JSON, and a truncated
    or broken JSON document.
    """
    text, _ = decode_text(data, name)
    html_error(text, name)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] not in ("{", "["):
        raise LoadError(name, f"not JSON: the file starts with {stripped[:40]!r}")
    try:
        return False, [(None, json.loads(stripped, **_json_kwargs()), None)]
    except json.JSONDecodeError as exc:
        first_error = exc
    except RecursionError:
        raise LoadError(name, "the JSON is nested too deeply to be an export") from None
    entries, objects = [], 0
    for chunk in line_chunks(text_lines(text), name, keep_bad=True):
        for number, value in chunk:
            if isinstance(value, BadLine):
                entries.append((number, None, str(value)))
            else:
                entries.append((number, value, None))
                objects += isinstance(value, dict) and bool(value)
    if first_error.msg == "Extra data" or (len(entries) > 1 and objects * 2 >= len(entries)):
        return True, entries
    exc = first_error
    if exc.pos >= len(stripped.rstrip()) - 1:
        raise LoadError(name, f"the JSON ends before it is complete (the file is probably truncated): {exc.msg} "
                              f"at line {exc.lineno}, column {exc.colno}")
    raise LoadError(name, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")



# ---------------------------------------------------------------------------------------------
# walking Graph-style records (Facebook and Instagram)
# ---------------------------------------------------------------------------------------------
def edge_records(edge):
    """The records of an expanded edge ``{"data": [...]}``; anything else holds none."""
    if isinstance(edge, dict) and isinstance(edge.get("data"), list):
        return edge["data"]
    return []


def url_hint(paging) -> dict:
    """What a response's ``paging.next`` / ``previous`` URL says about the request.

    Returns ``{"node": id, "edge": "posts"|"comments"|…, "fields": "..."}`` (keys absent when
    unknown). Example: ``https://graph.facebook.com/v20.0/100064512345678_810987654321098/comments?fields=...``
    → node ``100064512345678_810987654321098``, edge ``comments``.
    """
    if not isinstance(paging, dict):
        return {}
    for key in ("next", "previous"):
        url = paging.get(key)
        if not isinstance(url, str) or "://" not in url:
            continue
        try:
            parsed = urlparse(url)
        except ValueError:
            continue
        parts = [p for p in parsed.path.split("/") if p]
        if parts and re.fullmatch(r"v\d+(\.\d+)?", parts[0]):
            parts = parts[1:]
        out = {}
        if len(parts) >= 2:
            out["node"], out["edge"] = parts[-2], parts[-1]
        elif len(parts) == 1:
            out["node"] = parts[0]
        fields = parse_qs(parsed.query).get("fields")
        if fields:
            out["fields"] = unquote(fields[0])
        return out
    return {}

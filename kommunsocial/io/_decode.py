"""Decoding a raw export's bytes into text, whatever encoding and byte-order marks it came with."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LoadError
from ._checks import repair_surrogates

__all__ = ["decode_text", "read_text", "html_error"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text export: UTF-8 (with or without BOM), UTF-16 (with or without BOM), else
    cp1252 / latin-1.

    Returns ``(text, encoding)``. Also repaired, since every reader needs it: a UTF-8 BOM before a
    cp1252 body (the BOM is dropped and the body decoded as cp1252), a stray UTF-16 BOM before
    UTF-8 text, line breaks written as a bare CR (old Mac style, read as line breaks) and escaped
    lone UTF-16 surrogates in JSON (see :func:`repair_surrogates`). Raises :class:`LoadError` for a
    file that is empty, binary, holds a NUL byte, or is UTF-16 that cannot be decoded.
    """
    if not data.strip():
        raise LoadError(name, "the file is empty")
    text, encoding = _decode(data, name)
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
    return repair_surrogates(text), encoding


def _utf16_order(head: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` when ``head`` (without BOM) looks like UTF-16 text of a
    Latin script: NUL bytes in most odd (LE) or even (BE) positions."""
    if len(head) < 4 or head.count(b"\x00") * 3 <= len(head):
        return None
    for order, half in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if half.count(b"\x00") * 2 > len(half):
            return order
    return None


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        body = data[2:4098]
        if b"\x00" in body or not body or not _utf8_start(body):  # UTF-16 with its byte-order mark
            try:
                return data.decode("utf-16"), "utf-16"
            except UnicodeDecodeError as exc:
                raise LoadError(name, f"not valid UTF-16 (bad bytes at offset {exc.start})") from None
        data = data[2:]  # a stray UTF-16 mark before 8-bit text (an editor's doing): drop it
    if data[:4] == b"PK\x03\x04":
        raise LoadError(name, "this is a zip or Excel workbook, not a text file; save it as .xlsx and load that, "
                              "or export CSV")
    head = data[:4096]
    order = _utf16_order(head)
    if order is not None:  # UTF-16 without a byte-order mark (Excel's "Unicode text")
        try:
            return data.decode(order), order
        except UnicodeDecodeError as exc:
            raise LoadError(name, f"UTF-16 without a byte-order mark that cannot be decoded as {order} (bad bytes "
                                  f"at offset {exc.start}); save the file as UTF-8") from None
    bom = data[:3] == b"\xef\xbb\xbf"
    body = data[3:] if bom else data
    nul = body.find(b"\x00")
    if 0 <= nul and body.count(b"\x00") <= max(3, len(body) // 100) and _text_apart_from_nul(body):
        line = body[:nul].count(b"\n") + (body[:nul].count(b"\r") if b"\n" not in body else 0) + 1
        raise LoadError(name, f"NUL byte in row {line - 1} (line {line} of the file): a text export holds no NUL "
                              "bytes, so the file was damaged in transfer or is not text", row=line - 1)
    if nul < 0:
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data":
                # the first 64 KiB handed to a sniffer can end inside a character: drop that one
                return body[:exc.start].decode("utf-8"), "utf-8"
            utf8_bad = exc.start
    else:
        utf8_bad = nul
    if nul >= 0:
        raise LoadError(name, "binary content: the file is neither UTF-8 nor a single-byte text encoding")
    try:
        text, enc = body.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, enc = body.decode("latin-1"), "latin-1"
    controls = len(_CONTROL.findall(text[:20000]))
    if controls > max(3, len(text[:20000]) // 200):
        line = body[:utf8_bad].count(b"\n") + 1
        raise LoadError(name, f"cannot decode: not UTF-8 (bad byte at line {line}) and not cp1252/latin-1 text "
                              f"either ({controls} control characters)", row=None)
    return text, enc + (" after a UTF-8 byte-order mark" if bom else "")


def _utf8_start(head: bytes) -> bool:
    """Whether ``head`` (the start of a file) is valid UTF-8, a character cut off at its end aside."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"
    return True


def _text_apart_from_nul(body: bytes) -> bool:
    """Whether ``body`` reads as text once its NUL bytes are left out (a few NULs in a text file,
    rather than a binary file)."""
    sample = body[:65536].replace(b"\x00", b"")
    if _utf8_start(sample):
        return True
    return len(_CONTROL.findall(sample.decode("latin-1"))) <= max(3, len(sample) // 200)


def read_text(path: Path, name: str | None = None) -> tuple[str, str]:
    path = Path(path)
    return decode_text(path.read_bytes(), name or path.name)


def html_error(text: str, name: str, *, expected: str = "an export"):
    """Raise :class:`LoadError` when ``text`` is an HTML page (an error or login page saved in
    place of the ``expected`` file)."""
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")) or (start.startswith("<") and "<html" in start):
        raise LoadError(name, f"this is an HTML page (perhaps an error or login page saved by a browser or API "
                              f"client), not {expected}")


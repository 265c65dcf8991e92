"""Keyed pseudonyms for commenters and masking of personal data in text."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets

import numpy as np
import pandas as pd

from . import config

__all__ = [
    "get_salt",
    "salt_fingerprint",
    "pseudonymise",
    "redact",
    "mask_names",
    "mask_mentions",
    "MASKS",
]

#: What masked text shows in place of the personal data it held.
MASKS = {"email": "[e-mail]", "phone": "[phone]", "id_number": "[id-number]", "person": "[person]"}


def get_salt(salt=None) -> bytes:
    """The pseudonymisation key: ``salt`` if given, else ``$KOMMUNSOCIAL_SALT``, else the project's salt file.

    The salt file (git-ignored, ``.kommunsocial-salt`` in the project folder) is created with 32
    random bytes on first use, so pseudonyms are stable across runs on one machine and cannot be
    recomputed by someone who has the data but not the salt. Keep it private; share it only with
    people who may link pseudonyms across datasets.
    """
    if salt is None:
        salt = os.environ.get("KOMMUNSOCIAL_SALT") or None
    if salt is None:
        path = config.salt_file()
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
            tmp.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
            try:
                os.link(tmp, path)  # atomic: a parallel run that lost the race reads the winner's salt
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
        salt = path.read_text(encoding="ascii").strip()
    if isinstance(salt, str):
        salt = salt.encode("utf-8")
    if not salt:
        raise ValueError("the pseudonymisation salt is empty")
    return bytes(salt)


def salt_fingerprint(salt: bytes) -> str:
    """A short public fingerprint that tells whether two datasets used the same salt (not the salt)."""
    return hmac.new(salt, b"kommunsocial salt fingerprint", hashlib.sha256).hexdigest()[:12]


def pseudonymise(keys, salt: bytes, *, prefix: str = "p_") -> pd.Series:
    """HMAC-SHA256 pseudonyms of ``keys`` (missing stays missing).

    The same key always gets the same pseudonym under the same salt; 16 hex digits make
    collisions between a page's commenters vanishingly unlikely.

    >>> pseudonymise(["facebook:123", None], b"k").tolist()
    ['p_a1e7c055f45af90c', <NA>]
    """
    s = pd.Series(keys, dtype="string")
    uniq = pd.unique(s.dropna().to_numpy())
    table = {k: prefix + hmac.new(salt, str(k).encode("utf-8"), hashlib.sha256).hexdigest()[:16] for k in uniq}
    return s.map(table, na_action="ignore").astype("string")


# -- redaction ---------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")
# Swedish personnummer / samordningsnummer: (CC)YYMMDD[-+]NNNN, or the 10/12 digits run together.
_SE_PNR = re.compile(r"(?<![\d-])(?:19|20)?(\d{2})(\d{2})(\d{2})([-+ ]?)(\d{4})(?![\d])")
# Norwegian fødselsnummer / D-nummer: DDMMYY NNNNN (11 digits, optional space)
_NO_FNR = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2}) ?(\d{5})(?!\d)")
# Phone numbers: Swedish/Norwegian/Danish/Finnish forms, with or without country code.
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)(?:46|47|45|358)[\s-]?\(?0?\)?[\s-]?\d{1,3}(?:[\s-]?\d{2,4}){2,4}"  # +46 70-123 45 67
    r"|0\d{1,3}[\s/-]?\d{2,3}(?:[\s-]?\d{2,3}){1,3}"  # 070-123 45 67, 08-123 456 78, 0520-49 70 00
    r"|[2-9]\d{2} ?\d{2} ?\d{3}"  # 912 34 567 (NO mobile)
    r"|[2-9]\d ?\d{2} ?\d{2} ?\d{2}"  # 22 12 34 56 (NO/DK)
    r")(?![\w])"
)
_DATE_LIKE = re.compile(r"^(?:19|20)\d{2}-\d{2}-\d{2}$")
_DIGITS = re.compile(r"\d{6}")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _plausible_date(mm: str, dd: str, *, day_offset: int) -> bool:
    m, d = int(mm), int(dd)
    if 1 <= m <= 12:
        return 1 <= d <= 31 or 1 <= d - day_offset <= 31
    return False


def _mask_se(match: re.Match) -> str:
    yy, mm, dd, sep, tail = match.groups()
    if not _plausible_date(mm, dd, day_offset=60):
        return match.group(0)
    if sep in ("-", "+") or _luhn_ok(yy + mm + dd + tail):
        return MASKS["id_number"]
    return match.group(0)


def _no_fnr_ok(digits: str) -> bool:
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d[:9])) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d[:9] + [k1])) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 < 10 and k2 < 10 and d[9] == k1 and d[10] == k2


def _mask_no(match: re.Match) -> str:
    dd, mm, yy, tail = match.groups()
    day = int(dd) - 40 if int(dd) > 40 else int(dd)
    if 1 <= int(mm) <= 12 and 1 <= day <= 31 and _no_fnr_ok(dd + mm + yy + tail):
        return MASKS["id_number"]
    return match.group(0)


def _mask_phone(match: re.Match) -> str:
    text = match.group(0)
    if _DATE_LIKE.match(text.strip()):
        return text
    n = sum(c.isdigit() for c in text)
    return MASKS["phone"] if 7 <= n <= 14 else text


def _redact_one(text: str) -> str:
    if "@" in text:
        text = _EMAIL.sub(MASKS["email"], text)
    if _DIGITS.search(text) or re.search(r"\d[\s-]\d", text):
        text = _SE_PNR.sub(_mask_se, text)
        text = _NO_FNR.sub(_mask_no, text)
        text = _PHONE.sub(_mask_phone, text)
    return text


def redact(texts) -> pd.Series:
    """Mask e-mail addresses, phone numbers and Swedish/Norwegian personal identity numbers.

    Swedish personnummer and samordningsnummer (``YYMMDD-NNNN``, ``YYYYMMDDNNNN`` when the Luhn
    check digit fits), Norwegian fødsels- and D-nummer (11 digits whose two control digits fit),
    and Nordic phone numbers (``070-123 45 67``, ``+47 912 34 567``, ``22 12 34 56``) are replaced
    by the masks in :data:`MASKS`. Dates such as ``2024-03-11`` are left alone.

    >>> redact(["Maila anna.a@exempel.se eller ring 070-123 45 67", "pnr 19811218-9876"]).tolist()
    ['Maila [e-mail] eller ring [phone]', 'pnr [id-number]']
    """
    s = pd.Series(texts).astype("string").fillna("")
    candidates = s.str.contains("@", regex=False) | s.str.contains(r"\d[\s-]?\d{2}", regex=True)
    out = s.copy()
    if candidates.any():
        out[candidates] = s[candidates].map(_redact_one)
    return out.astype("string")


_NAME_RUN = re.compile(r"[A-ZÅÄÖÆØÉÜ][\w'’-]+(?:[ \u00a0]+[A-ZÅÄÖÆØÉÜ][\w'’-]+){1,3}")


def mask_names(texts, names) -> pd.Series:
    """Replace known full names (two to four capitalised words) in ``texts`` by ``[person]``.

    ``names`` are the real names of the dataset's commenters, known at load time only; a
    commenter who tags another ("Anna Fiktiv tack för tipset!") thus leaves no name behind.
    Matching is exact on capitalised runs of words, so it is fast on millions of texts.

    >>> mask_names(["Anna Fiktiv tack! Hälsar Ola", "Inget namn"], ["Anna Fiktiv", "Ola"]).tolist()
    ['[person] tack! Hälsar Ola', 'Inget namn']
    """
    known = {" ".join(str(n).split()) for n in names if isinstance(n, str) and len(str(n).split()) >= 2}
    s = pd.Series(texts).astype("string").fillna("")
    if not known:
        return s
    max_words = max(len(n.split()) for n in known)

    def one(text: str) -> str:
        def sub(match: re.Match) -> str:
            words = match.group(0).split()
            out, i = [], 0
            while i < len(words):
                for size in range(min(max_words, len(words) - i), 1, -1):
                    if " ".join(words[i:i + size]) in known:
                        out.append(MASKS["person"])
                        i += size
                        break
                else:
                    out.append(words[i])
                    i += 1
            return " ".join(out)

        return _NAME_RUN.sub(sub, text)

    has_caps = s.str.contains(_NAME_RUN, regex=True)
    out = s.copy()
    if has_caps.any():
        out[has_caps] = s[has_caps].map(one)
    return out.astype("string")


def page_author_mask(author_key: pd.Series, author_name: pd.Series, page_id: pd.Series, page_name: pd.Series,
                     page_handle: pd.Series) -> pd.Series:
    """True where a comment's author is the page itself (same platform id, name or handle)."""
    # equal after strip + casefold, neither missing; compared as shared integer codes, each
    # distinct value of the five columns normalised once (millions of comments, far fewer authors)
    columns = [author_key, author_name, page_id, page_name, page_handle]
    codes, uniques = pd.factorize(pd.concat([c.astype("string") for c in columns], ignore_index=True))
    normed, _ = pd.factorize(pd.Series(uniques, dtype="string").str.strip().str.casefold())
    key, name, pid, pname, handle = np.split(np.append(normed, -1)[codes], len(columns))  # missing: -1

    def same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a == b) & (a >= 0)

    hit = same(key, pid) | same(name, pname) | same(name, handle)
    return pd.Series(hit, index=author_key.index)


_AT_MENTION = re.compile(r"(?<![\w.])@(\w{2,})")


def mask_mentions(texts, *, keep=()) -> pd.Series:
    """Replace ``@handle`` mentions by ``@[person]``, except the handles in ``keep`` (the pages').

    On X and Instagram people address each other by handle; a handle identifies a person as well
    as a name does.

    >>> mask_mentions(["@anna_b håller med @SjovikKommun", "mejl a@b.se"], keep=["sjovikkommun"]).tolist()
    ['@[person] håller med @SjovikKommun', 'mejl a@b.se']
    """
    kept = {str(k).lstrip("@").casefold() for k in keep if isinstance(k, str)}
    s = pd.Series(texts).astype("string").fillna("")
    has = s.str.contains("@", regex=False)
    if not has.any():
        return s

    def sub(match: re.Match) -> str:
        return match.group(0) if match.group(1).casefold() in kept else "@[person]"

    out = s.copy()
    out[has] = s[has].map(lambda t: _AT_MENTION.sub(sub, t))
    return out.astype("string")

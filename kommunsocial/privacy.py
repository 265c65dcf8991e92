"""Keyed pseudonyms for commenters and masking of personal data in text."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
import unicodedata
import warnings
from functools import lru_cache
from importlib.resources import files as resources_files
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import SaltError

__all__ = [
    "get_salt",
    "salt_fingerprint",
    "pseudonymise",
    "redact",
    "mask_names",
    "common_words",
    "mask_mentions",
    "MASKS",
]

#: What masked text shows in place of the personal data it held.
MASKS = {"email": "[e-mail]", "phone": "[phone]", "id_number": "[id-number]", "person": "[person]"}


def get_salt(salt=None, *, salt_file=None) -> bytes:
    """The pseudonymisation key, from the first of: ``salt``, the file ``salt_file``,
    ``$KOMMUNSOCIAL_SALT``, the file ``$KOMMUNSOCIAL_SALT_FILE`` or the project's salt file.

    The salt is never taken from a command line, where every user of the machine can read it in
    the process list. The project's salt file (git-ignored, ``.kommunsocial-salt`` in the project
    folder, or ``$KOMMUNSOCIAL_SALT_FILE``) is created with 32 random bytes on first use, readable
    by its owner only (0600), so pseudonyms are stable across runs on one machine and cannot be
    recomputed by someone who has the data but not the salt. A salt file that others can read is
    made owner-only (a warning if that is not allowed). Keep it private; share it only with people
    who may link pseudonyms across datasets. A ``salt_file`` given by name must exist.
    """
    if salt is None and salt_file is not None:
        salt = _read_salt_file(Path(salt_file))
    if salt is None:
        salt = os.environ.get("KOMMUNSOCIAL_SALT") or None
    if salt is None:
        path = config.salt_file()
        if not path.is_file():
            _create_salt_file(path)
        salt = _read_salt_file(path)
    if isinstance(salt, str):
        salt = salt.encode("utf-8")
    if not salt:
        raise SaltError("the pseudonymisation salt is empty")
    return bytes(salt)


def _create_salt_file(path: Path) -> None:
    """32 random bytes (hex) in ``path``, owner-only from the first byte on, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never world-readable, even briefly
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        os.link(tmp, path)  # atomic: a parallel run that lost the race reads the winner's salt
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def _read_salt_file(path: Path) -> str:
    if not path.is_file():
        raise SaltError(f"{path}: salt file not found; create it (e.g. 32 random hex bytes, readable only by "
                        "you) or leave it out to use the project's salt file")
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        try:
            os.chmod(path, 0o600)
        except OSError:
            warnings.warn(f"{path}: the salt file can be read by other users (mode {stat.S_IMODE(mode):o}); "
                          "make it readable only by you: chmod 600", stacklevel=3)
    salt = path.read_text(encoding="utf-8").strip()
    if not salt:
        raise SaltError(f"{path}: the salt file is empty")
    return salt


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


# -- names ----------------------------------------------------------------------------------------
#: A word as name masking sees it: letters (with any combining marks, so a decomposed "Å" is one
#: letter), hyphens only inside ("Anna-Karin"); digits, apostrophes and punctuation end it.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+(?:-(?:[^\W\d_]|[\u0300-\u036f])+)*")
#: The possessive ending after a name ("Tveiten's", "Tveiten’s"), masked with it.
_POSSESSIVE = re.compile(r"['’´]s(?![^\W\d_])")
#: What may stand between a sentence's end and its first word (spaces, quotes, brackets, dashes).
_OPENERS = set("\"'«»“”‘’([{-–—*•")
_SENTENCE_END = set(".!?…:;")
#: Language groups whose common words are pooled: detection confuses Bokmål, Nynorsk and Danish, and
#: Swedish comments borrow from them, so a Scandinavian text is judged by all four languages' words.
_LANG_GROUP = {"sv": "scand", "nb": "scand", "nn": "scand", "da": "scand", "en": "en", "fi": "fi"}
_GROUP_LANGS = {"scand": ("sv", "nb", "nn", "da"), "en": ("en",), "fi": ("fi",),
                "all": ("sv", "nb", "nn", "da", "en", "fi")}
_STOPWORD_LANG = {"sv": "sv", "nb": "no", "nn": "no", "da": "da", "en": "en", "fi": "fi"}
#: Texts per batch of the vectorised prefilter: bounds its memory on millions of comments.
_BATCH = 200_000


def _key(word: str) -> str:
    """How a word is compared: NFKC (composes "A" + ring into "Å", unfolds ligatures), then casefold."""
    return unicodedata.normalize("NFKC", word).casefold()


@lru_cache(maxsize=None)
def common_words(lang: str = "all") -> frozenset:
    """Everyday words of ``lang`` (or of its language group) that a name part may also be.

    The union of the ``stopwordsiso`` list, the tone lexicons and markers, the words the sample's
    phrase banks write in lower case, and ``data/privacy/common_words.tsv`` (everyday words that
    are Nordic name parts: berg, lund, sol, liv, stig …). Swedish, Bokmål, Nynorsk and Danish are
    pooled; ``"all"`` (also for ``"und"``) pools every language.

    >>> {"berg", "lund", "och", "liv"} <= common_words("sv"), "randi" in common_words("all")
    (True, False)
    """
    import stopwordsiso

    data = resources_files("kommunsocial") / "data"
    codes = _GROUP_LANGS.get(_LANG_GROUP.get(lang, lang), _GROUP_LANGS["all"])
    words = set()
    for code in codes:
        words |= set(stopwordsiso.stopwords(_STOPWORD_LANG[code]))
        # the tone lexicons' first column, read here: importing kommunsocial.tone loads scikit-learn
        for table in (f"lexicon_{code}.tsv", f"markers_{code}.tsv"):
            if (data / "tone" / table).is_file():
                lines = (data / "tone" / table).read_text(encoding="utf-8").splitlines()[1:]
                words |= {t for t in (line.partition("\t")[0].strip().lower() for line in lines) if " " not in t}
        if (data / "sample_texts" / f"{code}.json").is_file():  # words in lower case: the banks' names are not
            bank = (data / "sample_texts" / f"{code}.json").read_text(encoding="utf-8")
            words |= {w for w in _WORD.findall(bank) if w[0].islower()}
    for line in (data / "privacy" / "common_words.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        word, _, langs = line.partition("\t")
        if set(codes) & set(langs.split(",")):
            words.add(word)
    return frozenset(_key(w) for w in words)


class _NameIndex:
    """The commenters' names as keys: full-name sequences, and parts that are masked on their own."""

    def __init__(self, names, keep=()):
        # full names as tuples of keys, "," where "Surname, Given" has its comma
        self.seqs: set[tuple[str, ...]] = set()
        self.words: set[str] = set()
        parts: set[str] = set()
        for name in set(n for n in names if isinstance(n, str)):
            words = tuple(_WORD.findall(_key(name)))
            self.words.update(words)
            for w in words:
                pieces = w.split("-") if "-" in w else ()
                self.words.update(pieces)
                parts.update(p for p in (w, *pieces) if len(p) - p.count("-") >= 3)
            if len(words) >= 2:
                # the name as written, and "Surname, Given" for every split (double surnames)
                self.seqs.add(words)
                self.seqs.update(words[i:] + (",",) + words[:i] for i in range(1, len(words)))
        self.longest = max(map(len, self.seqs), default=0)
        kept = {p for k in keep if isinstance(k, str) for w in _WORD.findall(_key(k)) for p in (w, *w.split("-"))}
        self.parts = parts - kept
        self._lookup: dict[str, tuple[str, bool] | None] = {}

    def split(self, common: frozenset) -> tuple[set, set]:
        """The parts that are not common words (``strong``) and those that are (``weak``)."""
        weak = self.parts & common
        return self.parts - weak, weak

    def lookup(self, raw: str):
        """``(key, genitive)`` of a word of a text that is a name word (``Tveitens`` → ``tveiten``), else None."""
        hit = self._lookup.get(raw, 0)
        if hit == 0:
            key = _key(raw)
            if key in self.words:
                hit = (key, False)
            elif key.endswith("s") and key[:-1] in self.words:
                hit = (key[:-1], True)  # genitive: Tveitens, Lunds (Swedish, Norwegian, Danish)
            else:
                hit = None
            self._lookup[raw] = hit
        return hit

    def word(self, raw: str, strong: set, common: frozenset):
        """``(key, genitive, capitalised, strong)`` of a text's word that is a name word, else None."""
        found = self.lookup(raw)
        if found is None:
            return None
        key, genitive = found
        # "endres" (is changed) is no genitive of Endre: a genitive that is itself a common word is weak
        return key, genitive, raw[0].isupper(), key in strong and not (genitive and _key(raw) in common)

    def may_change(self, chunk: str, strong: set, common: frozenset) -> bool:
        """Whether the exact pass may mask something in ``chunk`` (a text's run without whitespace).

        True when it holds a strong part in any case, or any other name word with a capital
        first letter (a weak part alone, or a full name of weak, short or kept words, needs one).
        """
        for m in _WORD.finditer(chunk):
            raw = m.group()
            for word in (raw, *raw.split("-")) if "-" in raw else (raw,):
                found = self.word(word, strong, common)
                if found is not None and (found[2] or found[3]):
                    return True
        return False

    def sequence_at(self, text: str, hits: list, i: int) -> int:
        """How many words of a full name (as written or "Surname, Given") start at ``hits[i]``; 0 if none."""
        keys, ends = [hits[i][2]], []
        for j in range(i + 1, min(len(hits), i + self.longest)):
            prev, h = hits[j - 1], hits[j]
            if prev[3]:  # only the last word may be a genitive
                break
            gap = text[prev[1]:h[0]]
            if gap.strip() == ",":
                keys.append(",")
            elif not gap.isspace():  # any run of spaces, tabs, newlines
                break
            keys.append(h[2])
            ends.append((j - i + 1, tuple(keys)))
        for n, seq in reversed(ends):
            if seq in self.seqs and (any(h[4] or h[5] for h in hits[i:i + n])):
                return n  # a name of common words only ("sol strand") is a name only when capitalised
        return 0


def _sentence_start(text: str, pos: int) -> bool:
    """True when the word at ``pos`` begins the text, a line or a sentence."""
    j = pos - 1
    while j >= 0 and (text[j].isspace() or text[j] in _OPENERS):
        if text[j] == "\n":
            return True
        j -= 1
    return j < 0 or text[j] in _SENTENCE_END


def _candidates(texts: pd.Series, index: _NameIndex, strong: set, common: frozenset) -> np.ndarray:
    """Positions of ``texts`` in which the exact pass may mask a name (:meth:`_NameIndex.may_change`).

    Vectorised in Arrow: the texts are split at whitespace (a name word never holds any), each
    distinct piece is judged once in Python, and the judgement spread back to its texts; batch by
    batch, so memory stays bounded on millions of comments.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    judged: dict[str, bool] = {}
    found = []
    for start in range(0, len(texts), _BATCH):
        chunk = pa.array(texts.iloc[start:start + _BATCH].array)
        if isinstance(chunk, pa.ChunkedArray):
            chunk = chunk.combine_chunks()
        pieces = pc.utf8_split_whitespace(chunk)
        codes = pc.dictionary_encode(pc.list_flatten(pieces))
        vocab = codes.dictionary.to_pylist()
        useful = np.array([judged[v] if v in judged else judged.setdefault(v, index.may_change(v, strong, common))
                           for v in vocab], dtype=bool)
        hit = useful[codes.indices.to_numpy(zero_copy_only=False)] if len(vocab) else np.zeros(0, dtype=bool)
        found.append(np.unique(pc.list_parent_indices(pieces).to_numpy()[hit]) + start)
    return np.concatenate(found) if found else np.array([], dtype=np.int64)


def _mask_one(text: str, index: _NameIndex, strong: set, common: frozenset) -> str:
    hits = []  # (start, end, key, genitive, capitalised, strong) of each name word in the text
    for m in _WORD.finditer(text):
        raw = m.group()
        found = index.word(raw, strong, common)
        if found is not None:
            hits.append((m.start(), m.end(), *found))
        elif "-" in raw:  # "Tveiten-familien": the name inside a compound
            pos = m.start()
            for piece in raw.split("-"):
                found = index.word(piece, strong, common)
                if found is not None:
                    hits.append((pos, pos + len(piece), *found))
                pos += len(piece) + 1
    if not hits:
        return text
    spans, i = [], 0
    while i < len(hits):
        start, end, key, _, cap, is_strong = hits[i]
        n = index.sequence_at(text, hits, i)
        if n:
            spans.append((start, hits[i + n - 1][1]))
            i += n
            continue
        if is_strong:
            spans.append((start, end))
        elif key in index.parts and cap and (not _sentence_start(text, start) or _next_to_name(text, hits, i)):
            spans.append((start, end))  # a common word: only as a name (see mask_names)
        i += 1
    out, last = [], 0
    for start, end in spans:
        m = _POSSESSIVE.match(text, end)
        out.append(text[last:start] + MASKS["person"])
        last = m.end() if m else end
    out.append(text[last:])
    return "".join(out)


def _next_to_name(text: str, hits: list, i: int) -> bool:
    """True when a capitalised name word stands right before or after ``hits[i]`` (spaces between)."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(hits) and hits[j][4]:
            a, b = sorted((hits[i], hits[j]))
            if text[a[1]:b[0]].isspace():
                return True
    return False


def mask_names(texts, names, *, lang=None, keep=()) -> pd.Series:
    """Replace the commenters' ``names`` wherever ``texts`` mention them by ``[person]``.

    ``names`` are the real names of the dataset's commenters, known at load time only; a
    commenter who tags another ("Anna Fiktiv tack för tipset!") thus leaves no name behind.
    Words are compared after Unicode NFKC and casefolding, so case and composed or decomposed
    letters do not matter. The rules:

    - a full name of two or more words, in any case, with any whitespace between its words, in
      its own order or as "Surname, Given" (each split of a double surname), is masked whole;
    - the genitive and possessive ("Tveitens", "Tveiten's", "Tveiten’s") are masked with it (a
      genitive that is itself a common word, "endres" of Endre, counts as a common word below);
    - each name part of three or more letters is masked on its own (hyphenated given names as a
      whole and each half; a name inside a compound, "Tveiten-familien", too), in any case;
    - except a part that is a common word of the text's language (:func:`common_words`: "Berg",
      "Lund", "Sol", "Liv"): it is masked only when written with a capital letter, and then not
      at the start of a sentence unless another capitalised name word stands next to it. So
      "Hej Berg!" and "Berg Hansen" lose the name, "gå upp på berget" and "Berg är fint." keep
      the word. A full name whose every word is common needs one capital too;
    - parts of one or two letters ("Bo", "Li") are masked only as part of a full name;
    - words of ``keep`` (the pages' own names) are never masked on their own.

    It is fast on millions of comments: Arrow splits the texts at whitespace, each distinct piece
    is judged once, and only the texts that may hold a name take the exact pass.

    Parameters
    ----------
    texts : sequence of str
    names : sequence of str
        The commenters' names as the export wrote them.
    lang : str or sequence of str, optional
        Language of each text (or of all), which decides the common words; ``None`` or ``"und"``
        pools every language's words (fewer lone parts are masked, never more).
    keep : sequence of str
        Names whose words stay when they stand alone (the municipality's page name).

    >>> mask_names(["Anna Fiktiv tack! Hälsar ola", "FIKTIV, ANNA", "Inget namn"], ["Anna Fiktiv", "Ola"]).tolist()
    ['[person] tack! Hälsar [person]', '[person]', 'Inget namn']
    >>> mask_names(["Berg har rätt, tack Berg!", "Vi gick upp på berget"], ["Per Berg"]).tolist()
    ['Berg har rätt, tack [person]!', 'Vi gick upp på berget']
    """
    s = pd.Series(texts).astype("string").fillna("")
    index = _NameIndex(names, keep=keep)
    if not index.words:
        return s
    if lang is None or isinstance(lang, str):
        groups = pd.Series(_LANG_GROUP.get(lang, "all"), index=range(len(s)), dtype="string")
    else:
        groups = pd.Series(np.asarray(lang, dtype=object)).map(_LANG_GROUP).fillna("all").astype("string")
    if len(groups) != len(s):
        raise ValueError(f"lang has {len(groups)} values for {len(s)} texts")
    out = s.copy()
    for group in pd.unique(groups.to_numpy()):
        rows = np.flatnonzero((groups == group).to_numpy())
        common = common_words(group)
        strong, _ = index.split(common)
        pos = rows[_candidates(s.iloc[rows], index, strong, common)]
        if len(pos):  # only the candidates become Python strings
            out.iloc[pos] = [_mask_one(t, index, strong, common) for t in s.iloc[pos].tolist()]
    return out


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

"""Danish (da) sources of the real development set: where each text comes from and how it is read.

Six public GitHub repositories hold real Danish texts of the registers the tone measure meets:

* ``da-smittestop-app``: the Danish texts of Smittestop, the COVID-19 app of the health authorities
  (Sundhedsdatastyrelsen / Sundheds- og Ældreministeriet), 2020–2022 (a public body writing to
  citizens: plain "du" instructions next to consent and legal wording);
* ``da-eu-codeweek-privacy``: the European Commission's Danish privacy statements and cookie policy
  of its EU Code Week website (legal wording addressed to "du", and plain explanations);
* ``da-stm-nytaarstaler``: the Prime Minister's New Year addresses 1995–2015 as published by
  Statsministeriet (government voice, spoken to the nation: formal and plain paragraphs);
* ``da-dr-maerkesager``: DR's (the public broadcaster's) short explainers of the political issues of
  a 2015 election guide (neutral, impersonal information);
* ``da-dkpol-politicians``: tweets of Danish members of parliament and ministers, 2013–2022 (from
  press-release style to chatty replies);
* ``da-dkpol-hashtag``: tweets of anyone under #dkpol, November 2022 (citizens' register).

Nothing is downloaded here: each ``recipe`` says how a user puts the raw files into ``DIR/<id>/``.
Retweets (``RT @…``) are left out, since their text is another account's, cut by the platform.
"""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import pandas as pd

from . import Source

__all__ = ["SOURCES", "MAX_CHARS", "MIN_CHARS", "CODEWEEK_FILES"]

#: A long paragraph is cut to its whole sentences within this length (a post's length).
MAX_CHARS = 600

_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _clip(text: str, limit: int = MAX_CHARS) -> str:
    """The text, or its leading whole sentences within ``limit`` characters (at least one)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    out = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{out} {sentence}".strip()
        if out and len(candidate) > limit:
            break
        out = candidate
    return out


def _frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """DataFrame[key, text] without empty texts and without a key seen before (first kept)."""
    df = pd.DataFrame(rows, columns=["key", "text"])
    df["text"] = df["text"].astype(str).str.strip()
    df = df[df["text"] != ""]
    return df.drop_duplicates("key").reset_index(drop=True)


def _is_retweet(text: str) -> bool:
    return str(text).startswith("RT @")


def _tweet_text(text: str) -> str:
    """A tweet's text as shown: the API escapes ``&``, ``<`` and ``>`` as HTML entities."""
    return html.unescape(str(text))


#: A text of an app or a web page shorter than this is a button, a title or a list item, not a message.
MIN_CHARS = 40


def _smittestop(folder: Path) -> pd.DataFrame:
    """The app's Danish messages (``Locales/da.json``) of at least ``MIN_CHARS``: key the string id.

    The app removes the ``|`` of its word-joined "Smitte|stop" and any HTML tag before showing a
    text; the texts are read the same way.
    """
    path = Path(folder) / "NDB.Covid19" / "NDB.Covid19" / "Locales" / "da.json"
    strings = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for key, value in strings.items():
        text = html.unescape(_TAG.sub(" ", str(value).replace("|", "").replace("\u2060", "")))
        text = re.sub(r"\s+", " ", text).strip()
        if len(text) >= MIN_CHARS:
            rows.append((key, _clip(text)))
    return _frame(rows)


def _plain(text: str) -> str:
    """Markup removed as a reader sees it: tags dropped, entities decoded, white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", text))).strip()


# a PHP string literal that is a value: after ``=>`` or as an element of a list, never a key
_PHP_VALUE = re.compile(r"""(?:=>|[\[,])\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(?!\s*=>)""", re.S)


def _php_values(source: str) -> list[str]:
    """The string values of a PHP translation file (``return [...]``), in file order, unescaped."""
    out = []
    for m in _PHP_VALUE.finditer(source):
        literal = m.group(1)
        body = literal[1:-1]
        quote = literal[0]
        out.append(re.sub(r"\\([\\" + quote + "])", r"\1", body))
    return out


#: The Commission's Danish privacy and cookie statements of codeweek.eu (``resources/lang/da``).
CODEWEEK_FILES = ("privacy-statement.php", "privacy-statement-contact.php", "cookie_policy.php")


def _codeweek(folder: Path) -> pd.DataFrame:
    """Every value of at least ``MIN_CHARS`` of the three statements: key ``<file>:<n>``.

    ``n`` counts the file's string values from 1 (short ones too), so a key names one place in
    one version of the file.
    """
    rows = []
    for name in CODEWEEK_FILES:
        source = (Path(folder) / "resources" / "lang" / "da" / name).read_text(encoding="utf-8")
        for n, value in enumerate(_php_values(source), start=1):
            text = _plain(value)
            if len(text) >= MIN_CHARS:
                rows.append((f"{name.removesuffix('.php')}:{n}", _clip(text)))
    return _frame(rows)


def _nytaarstaler(folder: Path) -> pd.DataFrame:
    """Every paragraph of every address: key ``<year>:p<n>`` (n counts the address's paragraphs from 1)."""
    rows = []
    for path in sorted(Path(folder).glob("years/*/data.json")):
        year = path.parent.name
        raw = json.loads(path.read_text(encoding="utf-8"))["rawHtml"]
        paragraphs = [html.unescape(_TAG.sub(" ", p)) for p in re.split(r"</p>", raw, flags=re.I)]
        n = 0
        for para in paragraphs:
            para = re.sub(r"\s+", " ", para).strip()
            if not para:
                continue
            n += 1
            rows.append((f"{year}:p{n}", _clip(para)))
    return _frame(rows)


_DR_ISSUE = re.compile(r"\{\s*id:\s*(\d+),\s*title:.*?description:\s*'((?:[^'\\]|\\.)*)'", re.S)


def _maerkesager(folder: Path) -> pd.DataFrame:
    """The issues' descriptions of ``client/data.js`` (a JavaScript module): key ``issue<id>``."""
    source = (Path(folder) / "client" / "data.js").read_text(encoding="utf-8")
    issues = source.split("categories:", 1)[0]   # the answers further down are the parties' words
    rows = []
    for m in _DR_ISSUE.finditer(issues):
        # one description is stored as HTML with escaped line breaks: read it as the page shows it
        text = m.group(2).replace("\\'", "'").replace("\\r", " ").replace("\\n", " ")
        text = re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", text)))
        rows.append((f"issue{m.group(1)}", text))
    return _frame(rows)


def _politicians(folder: Path) -> pd.DataFrame:
    """Every own tweet of ``Data/tweets/<party>/<name>_<page>.csv``: key the tweet id.

    Some files hold only a ``tweets`` column (no ids): they cannot be keyed and are skipped.
    """
    rows = []
    for path in sorted(Path(folder).glob("Data/tweets/*/*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        if not {"id", "text"} <= set(df.columns):
            continue
        rows += [(i, _tweet_text(t)) for i, t in zip(df["id"], df["text"]) if not _is_retweet(t)]
    return _frame(rows)


def _hashtag(folder: Path) -> pd.DataFrame:
    """Every own tweet of the saved #dkpol search (``Data/test_payload.csv``): key the tweet id.

    Each row's ``data`` cell holds one page of the X API v2 response as a Python literal; it is
    read with :func:`ast.literal_eval`, which evaluates literals only, never code.
    """
    df = pd.read_csv(Path(folder) / "Data" / "test_payload.csv", dtype=str, keep_default_na=False)
    rows = []
    for cell in df["data"]:
        for tweet in ast.literal_eval(cell):
            if not _is_retweet(tweet["text"]):
                rows.append((tweet["id"], _tweet_text(tweet["text"])))
    return _frame(rows)


SOURCES = [
    Source(
        id="da-smittestop-app",
        lang="da",
        description="Sundhedsdatastyrelsen (Danish Health Data Authority) for the Ministry of Health: "
                    "the Danish texts of the COVID-19 contact-tracing app Smittestop, 2020-2022 "
                    "(Locales/da.json: messages of at least 40 characters); instructions to citizens "
                    "in plain du-form next to consent and data-protection wording. MIT (2021 "
                    "Sundhedsdatastyrelsen, 2020 Netcompany): texts may be redistributed.",
        recipe="git clone https://github.com/Sundhedsdatastyrelsen/Smittestop.Mobile && cd "
               "Smittestop.Mobile && git checkout da0adc71c9175be7ab5940ce874dcefb3b71167c && mkdir -p "
               "DIR/da-smittestop-app/NDB.Covid19/NDB.Covid19/Locales && cp "
               "NDB.Covid19/NDB.Covid19/Locales/da.json DIR/da-smittestop-app/NDB.Covid19/NDB.Covid19/"
               "Locales/ && cp LICENSE.md DIR/da-smittestop-app/",
        extract=_smittestop,
    ),
    Source(
        id="da-eu-codeweek-privacy",
        lang="da",
        description="European Commission (DG CONNECT, unit G.2): the Danish privacy statements and "
                    "cookie policy of the EU Code Week website codeweek.eu, about 2019-2021 "
                    "(resources/lang/da/*.php, values of at least 40 characters); data-protection "
                    "prose addressed to the reader, and plain explanations of cookies. Repository "
                    "licence not verified: texts not redistributed.",
        recipe="git clone https://github.com/codeeu/codeweek && cd codeweek && mkdir -p "
               "DIR/da-eu-codeweek-privacy/resources/lang/da && for f in "
               "9dec95f7200a0c003bc3c15213be22ecfdbac061:privacy-statement.php "
               "14ad9fb55fdb60c8b453677a793da0106b796b36:privacy-statement-contact.php "
               "b64d17eec1e566d1b042079b66e7f9f381fc79c3:cookie_policy.php; do git show "
               "${f%%:*}:resources/lang/da/${f#*:} > DIR/da-eu-codeweek-privacy/resources/lang/da/"
               "${f#*:}; done",
        extract=_codeweek,
    ),
    Source(
        id="da-stm-nytaarstaler",
        lang="da",
        description="Statsministeriet: the Prime Minister's New Year addresses 1995-2015 (Rasmussen, "
                    "Fogh Rasmussen, Løkke Rasmussen, Thorning-Schmidt), one text per paragraph; "
                    "government speaking to the nation, formal and plain. Collection MIT; the "
                    "addresses are public statements of the Prime Minister's Office.",
        recipe="git clone https://github.com/matiassingers/statsminister-nytaarstaler && cd "
               "statsminister-nytaarstaler && git checkout e5a19ad367bac3fbb5a8ab278852d2ce0019a025 && "
               "cp -r years license DIR/da-stm-nytaarstaler/",
        extract=_nytaarstaler,
    ),
    Source(
        id="da-dr-maerkesager",
        lang="da",
        description="DR Nyheder (Danish public broadcaster): the explainers of the 20 political issues "
                    "of its 2015 election guide 'Din stemme' (client/data.js, issues[].description); "
                    "neutral impersonal information. Code MIT (2015, Mikkel Malmberg).",
        recipe="git clone https://github.com/DR-Nyheder-X/x1-maerkesager && cd x1-maerkesager && "
               "git checkout cd0e91bd4c3e2ab1f8a0be69aeca3f76f8c3076e && mkdir -p "
               "DIR/da-dr-maerkesager/client && cp client/data.js DIR/da-dr-maerkesager/client/ && "
               "cp LICENSE.txt DIR/da-dr-maerkesager/",
        extract=_maerkesager,
    ),
    Source(
        id="da-dkpol-politicians",
        lang="da",
        description="X/Twitter (API v2): tweets of the top three candidates of each party elected to "
                    "Folketinget in 2022 and a few others, each account's latest tweets up to early "
                    "September 2022 (back to 2013 for the rarely tweeting), retweets left out; "
                    "ministers' announcements to chatty replies. Saved by a DTU course project; no "
                    "licence: texts not redistributed.",
        recipe="git clone https://github.com/s180820/02807_dkpol && cd 02807_dkpol && git checkout "
               "b192ab79c18ce45a43f30cc86edd94bd32793fa5 && mkdir -p DIR/da-dkpol-politicians/Data && "
               "cp -r Data/tweets DIR/da-dkpol-politicians/Data/",
        extract=_politicians,
    ),
    Source(
        id="da-dkpol-hashtag",
        lang="da",
        description="X/Twitter (API v2 recent search): 500 tweets under #dkpol of 8 November 2022 "
                    "(anyone: citizens, commentators, a few politicians), retweets left out; "
                    "conversational register. Saved by a DTU course project; no licence: texts not "
                    "redistributed.",
        recipe="git clone https://github.com/s180820/02807_dkpol && cd 02807_dkpol && git checkout "
               "b192ab79c18ce45a43f30cc86edd94bd32793fa5 && mkdir -p DIR/da-dkpol-hashtag/Data && "
               "cp Data/test_payload.csv DIR/da-dkpol-hashtag/Data/",
        extract=_hashtag,
    ),
]

"""Norwegian (Bokmål and Nynorsk) sources of the real development set.

Three sources, each read from its raw files as published in a public repository (see
``SOURCES_no.md`` for publisher, period, licence and the counts):

* ``nb-politi-twitter``: operational tweets of three Norwegian police districts (a public body
  writing to the public; mostly terse incident notes, some plain and friendly);
* ``no-nordial-tweets``: tweets of Norwegian users, the Bokmål and Nynorsk ones of the NorDial
  corpus (citizens' conversational register; each text keeps its own ``lang``);
* ``nn-storting-sentences``: Nynorsk sentences of speeches in the Storting (ministers and
  members of parliament: public officials, spoken and written register mixed).

Nothing is downloaded here: each ``recipe`` says how to put the raw files into ``DIR/<id>/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import Source

__all__ = ["SOURCES", "DRAW", "SEED", "draw"]

#: How many texts were drawn from each source (and language), with ``random_state=20261207``.
DRAW = {"nb-politi-twitter": {"nb": 65}, "no-nordial-tweets": {"nb": 40, "nn": 40},
        "nn-storting-sentences": {"nn": 50}}
SEED = 20261207


def _politi(folder: Path) -> pd.DataFrame:
    """``totalt.csv``: one row per tweet (created, screenName, text, id); key = the tweet id.

    The file holds some tweets twice (its collections overlap); the first row of each id is kept.
    """
    raw = pd.read_csv(folder / "totalt.csv", dtype=str, keep_default_na=False)
    out = pd.DataFrame({"key": raw["id"].str.strip(), "text": raw["text"].str.strip()})
    return out.drop_duplicates("key")


# NorDial's categories: only the two written standards are kept; "dialectal" and "mixed" tweets
# are in neither nb nor nn, so no lang could be given to the index for them.
_NORDIAL_LANG = {"bokmål": "nb", "nynorsk": "nn"}


def _nordial(folder: Path) -> pd.DataFrame:
    """``train.json``, ``dev.json``, ``test.json``: lists of {sent_id, text, category}."""
    rows = []
    for name in ("train.json", "dev.json", "test.json"):
        for item in json.loads((folder / name).read_text(encoding="utf-8")):
            lang = _NORDIAL_LANG.get(item.get("category"))
            if lang is not None:
                rows.append({"key": str(item["sent_id"]), "text": str(item["text"]).strip(),
                             "lang": lang})
    return pd.DataFrame(rows, columns=["key", "text", "lang"]).drop_duplicates("key")


def _storting(folder: Path) -> pd.DataFrame:
    """The Nynorsk rows of ``parliament_speeches_1998_2016_nob_nyn.csv`` (date, language, text).

    The file has no id: the key is the row's position among the data rows (0-based), which is
    stable for the commit named in the recipe.
    """
    raw = pd.read_csv(folder / "parliament_speeches_1998_2016_nob_nyn.csv", dtype=str,
                      keep_default_na=False)
    nn = raw[raw["language"] == "nno"]
    return pd.DataFrame({"key": "row" + nn.index.astype(str), "text": nn["text"].str.strip()})


SOURCES = [
    Source(
        id="nb-politi-twitter",
        lang="nb",
        description=("Tweets of @Hordalandpoliti, @oslopolitiops and @Rogalandops (Norwegian "
                     "police operations centres), May 2014, collected by chrilur with twitteR; "
                     "no licence stated in the repository (texts not redistributed)."),
        recipe=("git clone https://github.com/chrilur/Norwegian-police-on-Twitter && cd "
                "Norwegian-police-on-Twitter && git checkout 7bfea9e96aeea73b99fe02d2ec54dcfa97910611"
                " && cp totalt.csv DIR/nb-politi-twitter/"),
        extract=_politi,
    ),
    Source(
        id="no-nordial-tweets",
        lang="nb",
        description=("Tweets of Norwegian users (2020) from the NorDial corpus (Barnes, Mæhlum, "
                     "Touileb, NoDaLiDa 2021), those its annotators labelled Bokmål (nb) or "
                     "Nynorsk (nn); README: CC BY-NC 4.0 (LICENSE file: CC0)."),
        recipe=("git clone https://github.com/jerbarnes/nordial && cd nordial && git checkout "
                "03a761f83e1c21286f3f15be7736951e40875818 && cp tweet_level/data/train.json "
                "tweet_level/data/dev.json tweet_level/data/test.json DIR/no-nordial-tweets/"),
        extract=_nordial,
    ),
    Source(
        id="nn-storting-sentences",
        lang="nn",
        description=("Nynorsk sentences of Storting speeches 1998–2016 (Talk of Norway, sampled "
                     "by the National Library of Norway's AI lab into a Bokmål/Nynorsk set); "
                     "repository licence Apache-2.0, speeches are public records."),
        recipe=("git clone https://github.com/NbAiLab/notram && cd notram && git checkout "
                "7efec822c5dc3d2227aa062ab77b155f8027aae1 && cp finetuning_datasets/"
                "parliament_speeches_1998_2016_nob_nyn.csv DIR/nn-storting-sentences/"),
        extract=_storting,
    ),
]


def draw(root: Path) -> pd.DataFrame:
    """The texts drawn for labelling: per source and language, after dropping empty texts and
    exact duplicates, ``DRAW`` texts at random with ``SEED`` (DataFrame[key, source, lang, text])."""
    frames = []
    for src in SOURCES:
        got = src.extract(Path(root) / src.id)
        if "lang" not in got.columns:
            got = got.assign(lang=src.lang)
        got = got[got["text"].str.len() > 0].drop_duplicates("text")
        for lang, n in DRAW[src.id].items():
            part = got[got["lang"] == lang]
            part = part.sample(min(n, len(part)), random_state=SEED)
            frames.append(part.assign(source=src.id, key=src.id + ":" + part["key"]))
    return pd.concat(frames, ignore_index=True)[["key", "source", "lang", "text"]]

"""The command line's help: every option explained, in plain text; make help with values."""

import argparse
import re
import subprocess
from pathlib import Path

from kommunsocial.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]

#: reST that argparse would print as it is: ``literals``, :role:`targets`, `links`_
MARKUP = re.compile(r"``|:[a-z]+:`|`_\b|`\S[^`]*`_")


def _parsers():
    parser = build_parser()
    yield "kommunsocial", parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield name, sub


def test_every_option_and_argument_has_help_without_markup():
    missing, marked = [], []
    for name, parser in _parsers():
        texts = [parser.description or ""]
        for action in parser._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
                continue
            if not action.help:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
            texts.append(action.help or "")
        texts.append(parser.format_help())
        marked += [f"{name}: {m.group(0)}" for text in texts for m in [MARKUP.search(text)] if m]
    assert not missing, f"options without help: {missing}"
    assert not marked, f"reST markup in help: {marked}"


def test_the_walk_finds_a_missing_help_and_markup():
    parser = argparse.ArgumentParser(description="see ``x``")
    parser.add_argument("--bare")
    assert MARKUP.search(parser.description) and not parser._actions[1].help
    assert MARKUP.search("the :func:`kommunsocial.load` function") and not MARKUP.search("a `make` target")


def test_every_make_target_that_works_has_a_command():
    commands = {name for name, _ in _parsers()}
    assert {"reports", "report", "data", "municipality-reports", "lab", "sample", "clean"} <= commands
    description = build_parser().description
    for target in ("reports", "data", "municipality-reports", "lab", "sample", "clean"):
        assert re.search(rf"make {target}\s+kommunsocial {target}\b", description), target


def test_sample_help_states_the_generators_defaults():
    import inspect

    from kommunsocial.sample import generate

    defaults = inspect.signature(generate).parameters
    text = dict(_parsers())["sample"].format_help()
    assert f"(default {defaults['n_pages'].default})" in text and f"(default {defaults['seed'].default})" in text


def test_make_help_prints_the_value_of_dataset():
    out = subprocess.run(["make", "--no-print-directory", "help", "DATASET=my-study"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "$(DATASET)" not in out
    assert "data      : ingest data/raw/my-study into data/processed/my-study" in out
    assert "kommunsocial reports" in out

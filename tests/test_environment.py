"""environment.yml (conda) and pyproject.toml (pip) must list the same packages and ranges."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _split(spec: str):
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"]
                  + project["optional-dependencies"]["bench"])
    listed = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^\s+- (?!pip$|python[<>=]|-e )(\S.*)$", line.split("#")[0].rstrip())
        if m and not m.group(1).endswith(":"):
            name, spec = _split(m.group(1))
            listed[name] = spec
    assert listed == wanted

"""environment.yml (conda) and pyproject.toml (pip) must list the same packages and ranges."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _split(spec: str):
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower(), m.group(2).replace(" ", "")


#: conda-forge names of packages whose PyPI name differs
CONDA_NAMES = {"python-igraph": "igraph", "python-tzdata": "tzdata", "python-duckdb": "duckdb"}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"]
                  + project["optional-dependencies"]["bench"])
    listed = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^\s+- (?!pip$|python[<>=]|-e )(\S.*)$", line.split("#")[0].rstrip())
        if m and not m.group(1).endswith(":"):
            name, spec = _split(m.group(1).strip("'"))  # a requirement with a marker is quoted
            listed[CONDA_NAMES.get(name, name)] = spec
    assert listed == wanted


def test_environment_yml_has_the_python_of_pyproject_and_installs_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    text = (ROOT / "environment.yml").read_text()
    body = text.split("dependencies:", 1)[1]
    pythons = re.findall(r"^\s+- python([<>=!].*)$", body, re.MULTILINE)
    assert pythons == [project["requires-python"]]
    assert re.search(r"^\s+- pip$", body, re.MULTILINE)  # conda's pip, which installs the pip: section
    pip_section = body.split("- pip:", 1)[1]
    assert re.findall(r"^\s+- (-e \S+)\s*$", pip_section, re.MULTILINE) == ["-e ."]  # the package, with its command
    assert re.search(r"^name: kommunsocial$", text, re.MULTILINE)


def _imported_packages() -> set[str]:
    import ast
    import sys

    names = set()
    for path in (ROOT / "kommunsocial").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "kommunsocial"}


def test_every_imported_package_is_declared():
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_split(s)[0].replace("_", "-") for s in project["dependencies"]}
    distributions = packages_distributions()
    missing = {}
    for module in _imported_packages():
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not dists & declared:
            missing[module] = sorted(dists)
    assert not missing, f"imported by kommunsocial but not declared in pyproject.toml: {missing}"


def test_every_error_of_the_package_derives_from_its_base():
    import importlib
    import pkgutil

    import kommunsocial
    from kommunsocial.errors import KommunsocialError

    strays = []
    for info in pkgutil.walk_packages(kommunsocial.__path__, "kommunsocial."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (isinstance(obj, type) and issubclass(obj, Exception) and obj.__module__ == info.name
                    and not issubclass(obj, KommunsocialError)):
                strays.append(f"{info.name}.{name}")
    assert not strays, f"errors that do not derive from KommunsocialError: {strays}"


def _module_imports() -> dict[str, set[str]]:
    """Each package module and the package modules it imports at module level (not inside functions)."""
    import ast

    files = {}
    for path in (ROOT / "kommunsocial").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    edges = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges[name] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kommunsocial"):
                target = node.module
            else:
                continue
            for alias in node.names:  # "from . import x" imports the module x
                edges[name].add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in files else target)
        edges[name] &= set(files) - {name}
    return edges


def test_no_import_circle():
    edges = _module_imports()
    assert len(edges) > 50
    circles = []
    for start in edges:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, path = stack.pop()
            for nxt in edges[node]:
                if nxt == start:
                    circles.append(" -> ".join((*path, start)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*path, nxt)))
    assert not circles, circles[:5]

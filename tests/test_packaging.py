"""What `pip install .` brings is what newsbot imports: every third-party module the package
imports comes from a distribution pyproject.toml declares (not from one that happens to pull
it in), and the lock files pin every declared dependency within its range."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imports(path: Path) -> list[tuple[str, bool]]:
    """(top-level module, optional) of each absolute import in ``path``; optional when it sits
    in a ``try`` that catches ImportError (a fallback follows) or under a Python version test."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    optional = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            optional.update(id(n) for stmt in node.body for n in ast.walk(stmt))
        if isinstance(node, ast.If) and "version_info" in ast.unparse(node.test):
            optional.update(id(n) for stmt in node.body + node.orelse for n in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], id(node) in optional) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], id(node) in optional))
    return found


def test_every_third_party_import_is_a_declared_dependency():
    declared = {normalise(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    providers = packages_distributions()
    missing = {}
    for path in sorted((ROOT / "newsbot").rglob("*.py")):
        for module, optional in imports(path):
            if module in sys.stdlib_module_names or module == "newsbot":
                continue
            distributions = {normalise(d) for d in providers.get(module, ())}
            if not distributions and optional:
                continue  # e.g. compression.zstd, in the standard library from Python 3.14
            if not distributions & declared:
                missing.setdefault(module, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"imported but not in [project] dependencies: {missing}"


def locked(lock: Path) -> dict[str, str]:
    """name -> version a lock file written by `make lock` pins for this Python (the lock is
    universal: a package may have a pin per Python version)."""
    pins = {}
    for line in re.findall(r"^[A-Za-z0-9][^\\\n]*", lock.read_text(), re.MULTILINE):
        pin = Requirement(line)
        if not pin.marker or pin.marker.evaluate():
            pins[normalise(pin.name)] = str(pin.specifier).removeprefix("==")
    return pins


def check_lock(lock: Path, requirements: list[str]) -> None:
    pins = locked(lock)
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = normalise(requirement.name)
        assert name in pins, f"{lock.name} does not pin {name}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"{lock.name} pins {name}=={pins[name]}, outside {requirement}: run `make lock`"


def test_core_lock_pins_every_dependency_in_its_range():
    check_lock(ROOT / "requirements" / "core.lock", PYPROJECT["project"]["dependencies"])


def test_dev_lock_pins_every_dependency_and_extra_in_its_range():
    extras = PYPROJECT["project"]["optional-dependencies"]
    check_lock(ROOT / "requirements" / "dev.lock",
               [*PYPROJECT["project"]["dependencies"], *extras["test"], *extras["bench"]])


def test_core_lock_is_the_dev_lock_without_the_extras():
    """The core smoke (`.ci/smoke`) runs the versions the test suite ran."""
    core = locked(ROOT / "requirements" / "core.lock")
    dev = locked(ROOT / "requirements" / "dev.lock")
    assert core, "core.lock pins nothing"
    assert {name: dev.get(name) for name in core} == core

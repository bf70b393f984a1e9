"""Every private Scrapy attribute newsbot uses still exists, and only the adapter module uses it.

A Scrapy release that renames or drops one fails here with the attribute's name, instead of as a
crawl that silently stops holding hosts or acknowledging leases.
"""

from __future__ import annotations

import importlib
import inspect
import re
import tomllib
from pathlib import Path

import pytest
import scrapy
from packaging.specifiers import SpecifierSet

from newsbot import scrapy_internals
from newsbot.scrapy_internals import CHECKED_ON, PRIVATE, Private

ROOT = Path(__file__).parents[1]


def resolve(dotted: str) -> object:
    """The module or class at ``dotted`` (a module path, then attributes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise ModuleNotFoundError(dotted)


def assigned_in_init(cls: type, attribute: str) -> bool:
    """Whether an ``__init__`` of ``cls`` or of a base sets ``self.<attribute>``."""
    assignment = re.compile(rf"\bself\.{re.escape(attribute)}\s*(:[^=\n]+)?=[^=]")
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None and inspect.isfunction(init):
            if assignment.search(inspect.getsource(init)):
                return True
    return False


@pytest.mark.parametrize("private", PRIVATE, ids=lambda p: f"{p.owner}.{p.attribute}")
def test_private_attribute_exists_in_installed_scrapy(private: Private):
    where = f"{private.owner}.{private.attribute}"
    try:
        owner = resolve(private.owner)
    except (ImportError, AttributeError):
        pytest.fail(f"{private.owner} is gone from the installed Scrapy {scrapy.__version__} "
                    f"(needed for {private.attribute}, used by {private.used_by})")
    found = hasattr(owner, private.attribute) or (
        private.instance and isinstance(owner, type) and assigned_in_init(owner, private.attribute))
    assert found, (f"{where} is gone from the installed Scrapy {scrapy.__version__}; it is used "
                   f"by {private.used_by} in newsbot/scrapy_internals.py")


def test_the_check_fails_on_an_attribute_that_does_not_exist():
    class Owner:
        def __init__(self):
            self.kept: int = 1

    assert assigned_in_init(Owner, "kept")
    assert not assigned_in_init(Owner, "gone") and not assigned_in_init(Owner, "kep")
    assert hasattr(resolve("scrapy.core.downloader.Slot"), "queue")
    with pytest.raises(AttributeError):
        resolve("scrapy.core.downloader.NoSuchClass")


def test_installed_scrapy_is_a_checked_version_and_pinned_to_them():
    minor = ".".join(scrapy.__version__.split(".")[:2])
    assert minor in CHECKED_ON, (f"Scrapy {scrapy.__version__} is not among the versions "
                                 f"newsbot/scrapy_internals.py was checked on: {CHECKED_ON}")
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (pin,) = [d for d in dependencies if re.match(r"scrapy\s*[<>=!~]", d, re.IGNORECASE)]
    allowed = SpecifierSet(pin.split("scrapy", 1)[1].strip())
    for version in CHECKED_ON:
        assert f"{version}.0" in allowed, f"{pin} excludes {version}, which was checked"
    last = CHECKED_ON[-1].split(".")
    assert f"{last[0]}.{int(last[1]) + 1}.0" not in allowed, f"{pin} allows an unchecked minor"
    earlier = CHECKED_ON[0].split(".")
    before = f"{earlier[0]}.{int(earlier[1]) - 1}.0"
    assert before not in allowed, f"{pin} allows {before}, which was not checked"


def test_no_other_newsbot_module_touches_them():
    """Private names (with a leading underscore) appear in the adapter module only."""
    names = {p.attribute for p in PRIVATE if p.attribute.startswith("_")}
    names |= {"lastseen", "latercall", "per_slot_settings", "inprogress", "nextcall",
              "process_request_2"}
    adapter = Path(scrapy_internals.__file__)
    scheduler = ROOT / "newsbot" / "distributed" / "scheduler.py"  # overrides scrapy-redis' hooks
    offenders = []
    for path in sorted((ROOT / "newsbot").rglob("*.py")):
        if path == adapter:
            continue
        text = path.read_text()
        for name in names:
            if re.search(rf"\.{re.escape(name)}\b|\bdef {re.escape(name)}\b", text):
                if path == scheduler and name in ("_encode_request", "_decode_request"):
                    continue
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, offenders

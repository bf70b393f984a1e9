"""README.md documents every output field, spider argument and NEWSBOT_* setting."""

import re
from pathlib import Path

import newsbot.settings
from newsbot.config import SETTINGS
from newsbot.items import Article

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_article_field_is_documented_with_its_doc():
    for name, field in Article.fields.items():
        row = re.search(rf"^\| `{name}` \| (.+) \|$", README, re.MULTILINE)
        assert row, f"README has no row for field {name}"
        assert row.group(1).replace("\\|", "|") == field["doc"], f"README row for {name} is stale"


def test_settings_table_lists_exactly_the_settings_newsbot_checks():
    """README "Settings", newsbot/settings.py and the validator (newsbot.config) agree."""
    documented = set(re.findall(r"^\| `(NEWSBOT_[A-Z0-9_]+)` \|", README, re.MULTILINE))
    defaults = {n for n in dir(newsbot.settings) if n.startswith("NEWSBOT_")}
    assert documented and defaults
    assert set(SETTINGS) - documented == set(), "checked but not documented in README"
    assert documented - set(SETTINGS) == set(), "documented in README but not a setting"
    assert defaults == set(SETTINGS), "newsbot/settings.py and newsbot.config.SETTINGS differ"


def test_spider_arguments_are_documented():
    for argument in ("outlet=", "home=", "url=", "since=", "limit="):
        assert f"`{argument}" in README

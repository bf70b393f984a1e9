"""README.md documents every output field, spider argument and NEWSBOT_* setting."""

import re
from pathlib import Path

import newsbot.settings
from newsbot.items import Article

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_article_field_is_documented_with_its_doc():
    for name, field in Article.fields.items():
        row = re.search(rf"^\| `{name}` \| (.+) \|$", README, re.MULTILINE)
        assert row, f"README has no row for field {name}"
        assert row.group(1).replace("\\|", "|") == field["doc"], f"README row for {name} is stale"


def test_every_newsbot_setting_is_documented():
    settings = [n for n in dir(newsbot.settings) if n.startswith("NEWSBOT_")]
    assert settings
    for name in settings:
        assert f"| `{name}` |" in README, f"README does not document {name}"


def test_spider_arguments_are_documented():
    for argument in ("outlet=", "home=", "url=", "since=", "limit="):
        assert f"`{argument}" in README

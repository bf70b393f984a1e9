"""Settings are checked before the first request: one line naming the setting and what it
accepts, exit status 2 from `scrapy crawl` and `newsbot extract`, nothing fetched."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from scrapy.settings import Settings

import newsbot.settings
from newsbot.config import SETTINGS, SettingsError, check_settings
from newsbot.demo.server import serve_sites
from support import PAGES, article_page, crawl_command, crawl_env, lorem, write_files


def project(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule(newsbot.settings, priority="project")
    settings.setdict(overrides, priority="cmdline")
    return settings


def test_the_project_defaults_pass():
    check_settings(project())


@pytest.mark.parametrize(("name", "value", "said"), [
    ("NEWSBOT_DEDUP_MODE", "dorp", '\'dorp\': expected "mark" or "drop"'),
    ("NEWSBOT_FOLLOW_DEPTH", "abc", "'abc': expected a whole number >= 0"),
    ("NEWSBOT_FOLLOW_DEPTH", "-1", "expected a whole number >= 0"),
    ("NEWSBOT_FOLLOW_DEPTH", "1.5", "expected a whole number >= 0"),
    ("NEWSBOT_DEDUP_WINDOW_DAYS", "0", "expected a whole number >= 1"),
    ("NEWSBOT_DEDUP_JACCARD", "half", "expected a number >= 0"),
    ("NEWSBOT_DEDUP_JACCARD", "nan", "expected a number >= 0"),
    ("NEWSBOT_STATE_TTL_DAYS", "0", "expected a number > 0"),
    ("NEWSBOT_DEDUP_ENABLED", "yes", "expected True or False"),
    ("NEWSBOT_ARCHIVE", "wark", 'expected None or "warc"'),
    ("NEWSBOT_CONTACT_URL", "me@example.org", "expected an http(s) URL"),
    ("NEWSBOT_REDIS_URL", "http://127.0.0.1:6379", "expected a redis://, rediss:// or unix://"),
    ("NEWSBOT_ALLOW_PRIVATE_NETWORKS", "10.0.0.0/33", "expected True, False or networks"),
    ("NEWSBOT_HEALTH_FIELDS", "headline,nosuch", "not output fields: nosuch"),
    ("NEWSBOT_STATE_PATH", "", "expected a file name or path"),
    ("NEWSBOT_REVISIT_SCHEDULE", "[0]", "expected hours after an article's first fetch, each > 0"),
    ("NEWSBOT_REVISIT_SCHEDULE", "soon", "expected hours after an article's first fetch"),
    ("NEWSBOT_REVISIT_MAX_PER_RUN", "-1", "expected a whole number >= 0"),
])
def test_a_bad_value_names_the_setting_and_what_it_accepts(name, value, said):
    with pytest.raises(SettingsError) as caught:
        check_settings(project(**{name: value}))
    message = str(caught.value)
    assert message.startswith(f"setting {name}=") and said in message
    assert "\n" not in message


@pytest.mark.parametrize(("name", "value"), [
    ("NEWSBOT_DEDUP_MODE", "drop"), ("NEWSBOT_FOLLOW_DEPTH", "3"),
    ("NEWSBOT_DEDUP_ENABLED", "false"),
    ("NEWSBOT_DEDUP_JACCARD", "0.6"), ("NEWSBOT_ARCHIVE", "warc"), ("NEWSBOT_ARCHIVE", ""),
    ("NEWSBOT_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,10.1.0.0/16"),
    ("NEWSBOT_ALLOW_PRIVATE_NETWORKS", "True"), ("NEWSBOT_REDIS_URL", "rediss://:pw@h:6380/1"),
    ("NEWSBOT_HEALTH_FIELDS", "headline,authors"), ("NEWSBOT_OUTLETS_FILE", ""),
    ("NEWSBOT_REVISIT_SCHEDULE", "[0.5,3]"), ("NEWSBOT_REVISIT_SCHEDULE", "[]"),
    ("NEWSBOT_REVISIT_SCHEDULE", "1,6,24"),
])
def test_values_as_given_on_the_command_line_pass(name, value):
    check_settings(project(**{name: value}))


def test_a_misspelt_name_is_an_error_with_the_likely_one():
    with pytest.raises(SettingsError, match=r"^NEWSBOT_DEDUP_MODEE is not a newsbot setting "
                                            r"\(did you mean NEWSBOT_DEDUP_MODE\?\)$"):
        check_settings(project(NEWSBOT_DEDUP_MODEE="drop"))
    with pytest.raises(SettingsError, match='NEWSBOT_ZZZ is not a newsbot setting'):
        check_settings(project(NEWSBOT_ZZZ="1"))


def test_every_setting_has_a_rule_and_a_default():
    defaults = {n for n in dir(newsbot.settings) if n.startswith("NEWSBOT_")}
    assert set(SETTINGS) == defaults


def outlets_error(tmp_path, text: str) -> str:
    path = tmp_path / "outlets.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        check_settings(project(NEWSBOT_OUTLETS_FILE=str(path)))
    message = str(caught.value)
    assert message.startswith(f"setting NEWSBOT_OUTLETS_FILE: {path}:") and "\n" not in message
    return message.removeprefix(f"setting NEWSBOT_OUTLETS_FILE: {path}:")


def test_an_outlets_file_that_is_not_json_says_where(tmp_path):
    missing_comma = '[\n  {"name": "x", "title": "X" "home": "https://x.test/"}\n]'
    assert outlets_error(tmp_path, missing_comma) == "2:30: not valid JSON: Expecting ',' delimiter"
    assert outlets_error(tmp_path, '{"name": "x"}') == "1:1: expected a JSON list of outlet objects"
    assert outlets_error(tmp_path, '[{"name": "x", "title": "X", "home": "https://x.test/"}] x') \
        == "1:58: text after the list"


def test_an_outlets_file_with_wrong_keys_or_types_says_which_outlet_and_what(tmp_path):
    good = {"name": "x", "title": "X", "home": "https://x.test/"}
    assert outlets_error(tmp_path, json.dumps([good, {**good, "name": "y", "feeds": "https://y.test/rss"}],
                                              indent=1)) \
        == "7:2: outlet 2: 'feeds' must be a list of strings, not \"https://y.test/rss\""
    assert outlets_error(tmp_path, json.dumps([{**good, "sitemap": []}])) \
        .startswith("1:2: outlet 1: unknown keys ['sitemap']; an outlet has [")
    assert outlets_error(tmp_path, json.dumps([{"name": "x", "title": "X"}])) \
        == "1:2: outlet 1: missing keys ['home']"
    assert outlets_error(tmp_path, json.dumps([{**good, "agency": 7}])) \
        == "1:2: outlet 1: 'agency' must be a string or null, not 7"
    assert outlets_error(tmp_path, json.dumps([{**good, "home": "ftp://x.test/"}])) \
        == "1:2: outlet 1: 'home' must be an http(s) URL, not \"ftp://x.test/\""
    assert "'article_pattern' is not a regular expression" in outlets_error(
        tmp_path, json.dumps([{**good, "article_pattern": "(["}]))
    assert "invalid outlet name '../x'" in outlets_error(
        tmp_path, json.dumps([{**good, "name": "../x"}]))


def test_a_missing_outlets_file_is_named(tmp_path):
    with pytest.raises(SettingsError, match=r"nope\.json: cannot read the outlets file"):
        check_settings(project(NEWSBOT_OUTLETS_FILE=str(tmp_path / "nope.json")))


def test_agencies_given_as_json_say_where_and_what(tmp_path):
    with pytest.raises(SettingsError, match=r"^setting NEWSBOT_ATTRIBUTION_AGENCIES: the JSON "
                                            r"given is not valid at line 1, column 25: "
                                            r"Expecting ',' delimiter$"):
        check_settings(project(NEWSBOT_ATTRIBUTION_AGENCIES='{"AP": {"names": ["x"]} "B": {}}'))
    with pytest.raises(SettingsError, match="agency 'AP': 'names' must be a list of strings"):
        check_settings(project(NEWSBOT_ATTRIBUTION_AGENCIES='{"AP": {"names": "x"}}'))
    with pytest.raises(SettingsError, match=r"agency 'AP' must be an object with keys among"):
        check_settings(project(NEWSBOT_ATTRIBUTION_AGENCIES='{"AP": {"name": ["x"]}}'))
    with pytest.raises(SettingsError, match="trailer '\\(' is not a regular expression"):
        check_settings(project(NEWSBOT_ATTRIBUTION_AGENCIES='{"AP": {"trailers": ["("]}}'))
    with pytest.raises(SettingsError, match=r"expected an object \{CODE"):
        check_settings(project(NEWSBOT_ATTRIBUTION_AGENCIES='["AP"]'))
    check_settings(project(NEWSBOT_ATTRIBUTION_AGENCIES='{"TWP": {"names": ["Tidewater Press"]}}'))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("site"), {
        "/robots.txt": "User-agent: *\nAllow: /\n",
        "/a.html": article_page("Harbour bridge reopens", lorem("bridge")),
    })
    with serve_sites({"site": root}) as servers:
        yield servers["site"]


@pytest.mark.parametrize(("setting", "line"), [
    ("NEWSBOT_DEDUP_MODE=dorp",
     'error: setting NEWSBOT_DEDUP_MODE=\'dorp\': expected "mark" or "drop"'),
    ("NEWSBOT_DEDUP_MODEE=drop",
     "error: NEWSBOT_DEDUP_MODEE is not a newsbot setting (did you mean NEWSBOT_DEDUP_MODE?)"),
    ("NEWSBOT_FOLLOW_DEPTH=abc",
     "error: setting NEWSBOT_FOLLOW_DEPTH='abc': expected a whole number >= 0"),
    ("NEWSBOT_OUTLETS_FILE=bad.json",
     "error: setting NEWSBOT_OUTLETS_FILE: bad.json:1:10: not valid JSON: Expecting ':' delimiter"),
])
def test_scrapy_crawl_with_a_bad_setting_exits_2_with_one_line_before_any_request(
        site, tmp_path, setting, line):
    (tmp_path / "bad.json").write_text('[{"name" "x"}]')
    command = crawl_command(tmp_path, "article", {"url": site.base_url + "/a.html"},
                            settings=dict([setting.split("=", 1)]))
    hits = len(site.hits)
    proc = subprocess.run(command, cwd=tmp_path, env=crawl_env(), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == line
    assert len(site.hits) == hits and not (tmp_path / "out.jsonl").exists()


def test_the_same_crawl_with_good_settings_runs(site, tmp_path):
    command = crawl_command(tmp_path, "article", {"url": site.base_url + "/a.html"},
                            settings={"NEWSBOT_DEDUP_MODE": "drop", "NEWSBOT_FOLLOW_DEPTH": "2",
                                      "NEWSBOT_STATE_PATH": str(tmp_path / "state.sqlite"),
                                      "NEWSBOT_DEDUP_INDEX_PATH": ":memory:"})
    proc = subprocess.run(command, cwd=tmp_path, env=crawl_env(), capture_output=True, text=True,
                          timeout=90)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text())["headline"] == "Harbour bridge reopens"


def test_newsbot_extract_checks_its_settings_the_same_way(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "newsbot.cli", "extract", "-s",
                           "NEWSBOT_DEDUP_MODEE=drop", str(PAGES / "og_only.html")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == ("newsbot extract: error: NEWSBOT_DEDUP_MODEE is not a newsbot "
                                   "setting (did you mean NEWSBOT_DEDUP_MODE?)")

"""What robots.txt says to AI-training crawlers, and the per-outlet table built from it."""

from __future__ import annotations

from newsbot.optouts import outlet_optouts, read_optout
from newsbot.settings import NEWSBOT_ROBOTSTXT_AI_CRAWLERS as AGENTS


def test_named_ai_crawlers_kept_off_the_site():
    robots = """# Publishers' opt-out
User-agent: GPTBot
Disallow: /

User-agent: ccbot
User-agent: Google-Extended
Disallow: /

User-agent: ClaudeBot
Disallow: /archive/

User-agent: *
Disallow: /search
"""
    optout = read_optout(robots, AGENTS)
    assert optout.disallowed == ("GPTBot", "CCBot", "Google-Extended")  # case-insensitive
    assert optout.named == ("GPTBot", "CCBot", "Google-Extended", "ClaudeBot")
    assert not optout.everyone
    assert optout.as_dict() == {
        "ai_crawlers_disallowed": ["GPTBot", "CCBot", "Google-Extended"],
        "ai_crawlers_named": ["GPTBot", "CCBot", "Google-Extended", "ClaudeBot"],
        "all_crawlers_disallowed": False}


def test_everyone_disallowed_and_nothing_disallowed():
    everyone = read_optout("User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nAllow: /\n",
                           AGENTS)
    assert everyone.everyone and set(everyone.disallowed) == set(AGENTS) and not everyone.named
    # an AI crawler allowed by name while everyone else is kept off
    allowed = read_optout("User-agent: *\nDisallow: /\n\nUser-agent: GPTBot\nAllow: /\n", AGENTS)
    assert "GPTBot" not in allowed.disallowed and allowed.named == ("GPTBot",)
    for text in ("", "User-agent: *\nDisallow:\n", "garbage\n\x00\nnot robots"):
        optout = read_optout(text, AGENTS)
        assert optout.disallowed == () and optout.named == () and not optout.everyone


def test_outlet_table_joins_the_hosts_of_each_outlet():
    robots = {
        "a.test": read_optout("User-agent: GPTBot\nDisallow: /\n", AGENTS).as_dict(),
        "amp.a.test": read_optout("User-agent: CCBot\nDisallow: /\n", AGENTS).as_dict(),
        "b.test": read_optout("User-agent: GPTBot\nDisallow: /private\n", AGENTS).as_dict(),
        "c.test": read_optout("", AGENTS).as_dict(),
        "d.test": read_optout("User-agent: *\nDisallow: /\n", AGENTS).as_dict(),
    }
    rows = {r.outlet: r for r in outlet_optouts(
        {"A": ["a.test", "amp.a.test", "a.test"], "B": ["b.test"], "C": ["c.test"],
         "D": ["d.test"], "E": ["e.test"]}, robots)}
    assert rows["A"].disallowed == ("GPTBot", "CCBot")
    assert rows["A"].hosts == ("a.test", "amp.a.test")
    assert rows["A"].verdict == "disallowed: GPTBot, CCBot"
    assert rows["B"].verdict == "named but not kept off the site: GPTBot"
    assert rows["C"].verdict == "no AI crawler disallowed"
    assert rows["D"].verdict == "all crawlers disallowed (User-agent: *)"
    assert rows["E"].verdict == "robots.txt not read by the crawls included" and not rows["E"].read

"""The outlet's own names, so that they can be told apart from headlines and bylines.

Pages append the site name to titles ("Headline | Golem.de") and CMSs fill the author field
with it ("mdr.de", "STERN.de") when nobody signed the article.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def name_key(name: str) -> str:
    """What two spellings of one name share: letters and digits, case folded."""
    return re.sub(r"[\W_]+", "", name).casefold()


def site_name_keys(url: str, *names: str | None) -> set[str]:
    """Keys of the outlet's names, its host included (``golem.de`` gives ``golemde``, ``golem``)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    keys = {name_key(n) for n in names if n}
    if host:
        keys |= {name_key(host), name_key(host.rsplit(".", 1)[0])}
    return keys - {""}


def is_site_name(text: str, site_keys: set[str]) -> bool:
    """The outlet's name, or a longer form of it of a few words ending in it ("Die Neue
    Südtiroler Tageszeitung" on tageszeitung.it)."""
    key = name_key(text)
    return key in site_keys or (len(text.split()) <= 5 and any(
        len(k) >= 6 and key.endswith(k) for k in site_keys))


def names_site(name: str, site_keys: set[str]) -> bool:
    """A byline that only names the outlet or one of its desks ("STERN.de", "n-tv NACHRICHTEN",
    "MDR THÜRINGEN"): the CMS default when nobody signed the article."""
    key = name_key(name)
    return is_site_name(name, site_keys) or (len(name.split()) <= 3 and any(
        len(k) >= 3 and (key.startswith(k) or key.endswith(k)) for k in site_keys))

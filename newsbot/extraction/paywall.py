"""Paywalls: whether the article is free to read, so a body cut short by a paywall can be told
from a short article.

Evidence, most trusted first: the article's JSON-LD ``isAccessibleForFree`` and the ``hasPart``
sections it marks (the markup Google asks of paywalled pages: ``{"isAccessibleForFree": false,
"cssSelector": ".paywall"}``), the ``article:content_tier`` meta tag (``locked``, ``metered``,
``free``), and last a paywall the page announces in a short block of its own ("Subscribe to
continue reading", "Réservé aux abonnés" ...). ``None`` when nothing says either way.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import html as lxml_html

from newsbot.extraction.structured import text_of

_TRUE = frozenset({"true", "yes", "1", "https://schema.org/true", "http://schema.org/true"})
_FALSE = frozenset({"false", "no", "0", "https://schema.org/false", "http://schema.org/false"})
TIERS = {"locked": False, "metered": False, "premium": False, "free": True}
_ANNOUNCEMENT_PATTERNS = (
    # en
    r"subscribe (?:now )?to (?:continue|keep) reading",
    (r"(?:to )?continue reading,? (?:please )?(?:subscribe|log in|sign in|"
     r"become a (?:subscriber|member))"),
    (r"this (?:article|story|content) is (?:only )?(?:available )?(?:exclusively )?(?:for|to) "
     r"(?:paying )?(?:subscribers|members)"),
    r"you(?:['’]ve| have) reached your (?:free )?(?:article|story) limit",
    r"(?:for )?subscribers only",
    # de
    (r"(?:dieser artikel|dieser beitrag|dieser inhalt) ist (?:nur|exklusiv) für "
     r"(?:abonnenten|abonnentinnen|abonnierende)"),
    r"(?:jetzt )?weiterlesen mit (?:\S+ )?(?:abo|plus)\b", r"exklusiv für abonnenten",
    r"lesen sie (?:jetzt )?weiter mit",
    # fr
    r"(?:cet article est )?réservé aux abonnés", r"la suite (?:de cet article )?est réservée",
    r"pour lire la suite,? abonnez-vous",
    # es
    r"(?:contenido )?exclusivo para suscriptores", r"para seguir leyendo,? suscr[ií]bete",
    r"este (?:art[ií]culo|contenido) es (?:solo|exclusivo) para suscriptores",
    # tr
    r"abonelere özel", r"okumaya devam etmek için abone ol",
    # pt
    r"(?:conte[uú]do )?exclusivo para assinantes", r"para continuar lendo,? assine",
    r"assine para continuar (?:lendo|a ler)",
    # ar
    r"للمشتركين فقط", r"اشترك (?:الآن )?لمواصلة القراءة",
)
ANNOUNCEMENTS = re.compile("|".join(_ANNOUNCEMENT_PATTERNS), re.IGNORECASE)
_LOWER_ANNOUNCEMENTS = re.compile("|".join(_ANNOUNCEMENT_PATTERNS))
"""The same for text already in lower case (a case-sensitive pattern runs faster)."""
ANCHORS = ("subscri", "member", "article limit", "story limit", "abonn", "weiterlesen",
           "weiter mit", "la suite", "suscrip", "seguir leyendo", "abone", "assinant",
           "continuar lendo", "continuar a ler", "المشترك", "اشترك")
"""Words every announcement contains one of, looked for before any pattern is run."""
MAX_ANNOUNCEMENT_WORDS = 40
"""Longer blocks are article text that happens to mention subscribers."""
_ANNOUNCING = ("p", "div", "span", "strong", "h2", "h3", "h4", "button", "a", "section", "aside")


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = text_of(value)
    if text is None:
        return None
    text = text.strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def _parts(node: dict[str, Any]) -> list[dict[str, Any]]:
    parts = node.get("hasPart")
    return [p for p in (parts if isinstance(parts, list) else [parts]) if isinstance(p, dict)]


def accessible_for_free(node: dict[str, Any], meta: dict[str, list[str]],
                        tree: lxml_html.HtmlElement) -> bool | None:
    """``isAccessibleForFree`` of the article: False behind a paywall, True when the page says
    it is free, None when it says nothing."""
    declared = _boolean(node.get("isAccessibleForFree"))
    if any(_boolean(p.get("isAccessibleForFree")) is False for p in _parts(node)):
        return False  # a section of the article is for subscribers only
    if declared is not None:
        return declared
    tier = next((TIERS[t.strip().lower()] for t in meta.get("article:content_tier", ())
                 if t.strip().lower() in TIERS), None)
    if tier is not None:
        return tier
    return False if announces_paywall(tree) else None


_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::template or " \
    "ancestor::*[@hidden or @aria-hidden='true' or contains(translate(@style, ' ', ''), " \
    "'display:none')])]"
"""Text a reader sees: not scripts or templates (paywall code ships on free pages too), not
hidden prompts a script may or may not show."""


def _visible(el: lxml_html.HtmlElement) -> str:
    return " ".join("".join(el.xpath(_VISIBLE_TEXT)).split())


def _mentioned(text: str, around: int = 100) -> bool:
    """Whether an announcement is written anywhere in ``text`` (lower case, scripts included):
    the pattern is run only on the text around each anchor word."""
    for word in ANCHORS:
        start = text.find(word)
        while start != -1:
            if _LOWER_ANNOUNCEMENTS.search(text, max(0, start - around), start + around):
                return True
            start = text.find(word, start + around)
    return False


def announces_paywall(tree: lxml_html.HtmlElement) -> bool:
    """Whether a short, visible block of the page says the rest is for subscribers."""
    body = tree.find("body")
    root = body if body is not None else tree
    if not _mentioned(root.text_content().lower()):
        return False  # most pages: a few substring searches, no pattern run over the page
    seen: set[lxml_html.HtmlElement] = set()
    for text in root.xpath(".//text()"):
        if not any(word in text.lower() for word in ANCHORS):
            continue
        owner = text.getparent()
        if text.is_tail and owner is not None:
            owner = owner.getparent()
        for el in [owner, *owner.iterancestors()] if owner is not None else []:
            if el.tag not in _ANNOUNCING:
                continue
            if el in seen:
                break
            seen.add(el)
            words = _visible(el)
            if len(words.split()) > MAX_ANNOUNCEMENT_WORDS:
                break  # the story's text, or the page: not an announcement
            if ANNOUNCEMENTS.search(words):
                return True
    return False

"""Corrections and update notices a page carries: "Correction:", "Clarification:", "An earlier
version of this article ...", "This story has been updated ...", editors' notes.

Readers of news data want to know that a figure was corrected or a story updated, and the page
says so itself, in a block of its own that starts with one of a few set phrases. Each phrase
family is written for the languages of the outlets newsbot knows (English) and the other major
news languages (German, French, Spanish, Turkish, Portuguese, Arabic); adding a language is
adding its phrases to :data:`PHRASES`. A notice is only taken where the block *starts* with its
phrase, and a bare label ("Correction", "Update") only when a colon, dash, bracket or date
follows it, so "Correction officers said ..." in a story's text is not a notice. The schema.org
``correction`` property of the article's JSON-LD counts too. Each notice is
``{"kind", "text", "date"}``; the date is the notice's own (its ``<time datetime>``, else a date
written in it), ``null`` when it gives none.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lxml import html as lxml_html

from newsbot.cleaning import normalise_text
from newsbot.cleaning.plain import plain_text
from newsbot.extraction.dates import normalise_date
from newsbot.extraction.structured import text_of

KINDS = ("correction", "clarification", "earlier_version", "updated", "editors_note")
_LABEL_TAIL = r"\b(?=\s*[:(\[—–,-]|\s*(?:(?:vom|am|von|du|le|del|de|do|da|on|of)\s+)?\d)"
_LABEL = r"(?:{})" + _LABEL_TAIL
"""A label ("Correction") counts only before a colon, a dash, a bracket or a date
("Korrektur vom 21.11.2026"), so "Correction officers said ..." is not one."""
_WORDS = r"(?:{})"
_NOTE = r"(?:{})(?=\s*[:—–.-])"
"""An editors' note is introduced as one: "Editor's note:" ("Editor's Note" alone is a menu)."""
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "correction": {
        "en": (_LABEL.format("corrections?|corrected"),),
        "de": (_LABEL.format("korrektur|korrekturhinweis|berichtigung|richtigstellung"),),
        "fr": (_LABEL.format("correction|rectificatif|rectification|erratum"),),
        "es": (_LABEL.format("correcci[oó]n|fe de erratas|rectificaci[oó]n"),),
        "tr": (_LABEL.format("düzeltme|tashih"),),
        "pt": (_LABEL.format("corre[cç]?[cç][aã]o|errata|retifica[cç][aã]o"),),
        "ar": (_LABEL.format("تصحيح|تصويب"),),
    },
    "clarification": {
        "en": (_LABEL.format("clarification"),),
        "de": (_LABEL.format("klarstellung|präzisierung"),),
        "fr": (_LABEL.format("précision|clarification|mise au point"),),
        "es": (_LABEL.format("aclaraci[oó]n|precisi[oó]n"),),
        "tr": (_LABEL.format("tavzih|açıklama notu"),),
        "pt": (_LABEL.format("esclarecimento"),),
        "ar": (_LABEL.format("توضيح"),),
    },
    "earlier_version": {
        "en": (_WORDS.format(r"(?:an|the|a) (?:earlier|previous|original|prior) version of "
                             r"this (?:article|story|report|post|piece|item)"),),
        "de": (_WORDS.format(r"(?:in )?(?:einer|der|eine) (?:früheren|vorherigen|ersten|"
                             r"ursprünglichen|frühere|vorherige) (?:version|fassung) "
                             r"(?:dieses|des) (?:artikels|textes|beitrags|berichts)"),),
        "fr": (_WORDS.format(r"(?:dans )?(?:une|la) (?:précédente|première|ancienne) version "
                             r"(?:de )?(?:cet|l['’]) ?(?:article|texte)"),
               _WORDS.format(r"(?:dans )?une version (?:précédente|antérieure) de cet "
                             r"(?:article|texte)")),
        "es": (_WORDS.format(r"(?:en )?una versi[oó]n anterior de (?:este|esta|la|el) "
                             r"(?:art[ií]culo|nota|noticia|texto|informaci[oó]n)"),),
        "tr": (_WORDS.format(r"(?:bu )?haberin (?:daha )?(?:önceki|ilk) "
                             r"(?:versiyonunda|sürümünde|halinde)"),),
        "pt": (_WORDS.format(r"(?:na|numa|uma) vers[aã]o anterior (?:deste|desta|do|"
                                       r"da) (?:artigo|texto|reportagem|mat[eé]ria|not[ií]cia)"),),
        "ar": (_WORDS.format(r"(?:ورد في |جاء في |في )?(?:نسخة|النسخة) (?:سابقة|السابقة) "
                             r"(?:من|ل) ?(?:هذا |هذه )?(?:المقال|الخبر|التقرير|المادة)"),),
    },
    "updated": {
        "en": (_WORDS.format(r"this (?:article|story|report|post) (?:has been|was|is being|"
                             r"will be) updated"), _LABEL.format("update|updated")),
        "de": (_WORDS.format(r"(?:dieser|der) (?:artikel|text|beitrag|bericht) wurde "
                             r"(?:\S+ ){0,8}(?:aktualisiert|ergänzt|überarbeitet)"),
               _LABEL.format("aktualisierung|update|nachtrag")),
        "fr": (_WORDS.format(r"cet (?:article|texte) a été (?:mis à jour|actualisé|modifié|"
                             r"complété)"), _LABEL.format("mise à jour|actualisation")),
        "es": (_WORDS.format(r"(?:este|el) (?:art[ií]culo|texto) (?:ha sido|fue) "
                             r"(?:actualizado|modificado)"),
               _WORDS.format(r"(?:esta|la) (?:nota|noticia|informaci[oó]n) (?:ha sido|fue) "
                             r"(?:actualizada|modificada)"),
               _LABEL.format("actualizaci[oó]n")),
        "tr": (_WORDS.format(r"bu haber(?: \S+){0,4} güncellen(?:di|miştir|mistir)"),
               _LABEL.format("güncelleme")),
        "pt": (_WORDS.format(r"(?:este|o) (?:artigo|texto) foi (?:atualizado|actualizado)"),
               _WORDS.format(r"(?:esta|a) (?:mat[eé]ria|reportagem|not[ií]cia) foi "
                             r"(?:atualizada|actualizada)"),
               _LABEL.format("atualiza[cç][aã]o|actualiza[cç][aã]o")),
        "ar": (_WORDS.format(r"تم تحديث (?:هذا|هذه) (?:المقال|الخبر|التقرير|المادة)"),
               _LABEL.format("تحديث")),
    },
    "editors_note": {
        "en": (_NOTE.format(r"editor['’]?s['’]? note|note from the editors?|note to readers"),),
        "de": (_NOTE.format(r"anmerkung der redaktion|hinweis der redaktion|redaktioneller "
                             r"hinweis|anm\. d\. red\."),),
        "fr": (_NOTE.format(r"note de la rédaction|n\.?d\.?l\.?r\.?(?![\w])"),),
        "es": (_NOTE.format(r"nota del editor|nota de la redacci[oó]n|n\. de la r\."),),
        "tr": (_NOTE.format(r"editör(?:ün)? notu|editor(?:un)? notu"),),
        "pt": (_NOTE.format(r"nota do editor|nota da reda[cç]?[cç][aã]o"),),
        "ar": (_NOTE.format(r"ملاحظة (?:من )?(?:المحرر|التحرير)"),),
    },
}
_MATCHERS = [(kind, lang, re.compile(pattern, re.IGNORECASE), pattern.endswith(_LABEL_TAIL))
             for kind, languages in PHRASES.items() for lang, patterns in languages.items()
             for pattern in patterns]
_ANY_PHRASE = re.compile(r"[\W_]*(?:" + "|".join(m[2].pattern for m in _MATCHERS) + ")",
                         re.IGNORECASE)
"""Every phrase in one pattern: one test per block of the page, the families only on a hit."""
BLOCKS = frozenset({"p", "div", "li", "aside", "section", "blockquote", "dd", "dt", "footer",
                    "header", "article", "figcaption", "td", "h2", "h3", "h4", "h5", "h6",
                    "details", "summary", "main", "body", "ul", "ol", "table", "tr", "form",
                    "nav", "figure"})
SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "nav", "svg"})
LINKED_SHARE = 0.5
MAX_WORDS = 200
"""Longer blocks are story text that happens to start like a notice."""
MIN_UPDATE_WORDS = 4
"""An "Update:" label needs words beyond its date: "Updated: Nov. 20, 14:05" is a timestamp."""
_LEAD = re.compile(r"^[\W_]*", re.UNICODE)
_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
    r"|\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,}\.?(?:\s+de)?,?\s+\d{4}"
    r"|[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}", re.UNICODE)
_TIME = re.compile(r"^,?\s*(?:at\s+|um\s+|à\s+|a las\s+|às\s+|saat\s+)?(\d{1,2})[:.h](\d{2})"
                   r"(?:\s*([ap])\.?m\.?)?", re.IGNORECASE)
_ANY_DATE = re.compile(_DATE.pattern + r"|\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?", re.UNICODE)


def match_notice(text: str) -> tuple[str, str] | None:
    """``(kind, language)`` of the phrase ``text`` starts with, if it starts with one."""
    text = _LEAD.sub("", text[:300])
    for kind, lang, pattern, is_label in _MATCHERS:
        if m := pattern.match(text):
            if kind == "updated" and is_label and len(
                    _ANY_DATE.sub(" ", text[m.end():]).split()) < MIN_UPDATE_WORDS:
                continue  # "Updated: Nov. 20, 2026 14:05" is the page's timestamp, not a note
            return kind, lang
    return None


def _first_text(block: lxml_html.HtmlElement) -> str:
    """The words a block starts with: its own text, else its first inline child's (``<p><strong>
    Correction:</strong> ...``), a level or two down."""
    el = block
    for _ in range(3):
        text = el.text
        if text and not text.isspace():
            return str(text)
        if not len(el):
            return ""
        el = el[0]
        if not isinstance(el.tag, str) or el.tag in BLOCKS:
            return ""
    return ""


def _inline_text(block: lxml_html.HtmlElement) -> tuple[str, list[lxml_html.HtmlElement]]:
    """The text of ``block`` up to its first block-level child, and the inline elements in it."""
    parts, inline = [block.text or ""], []
    for child in block:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag in BLOCKS or child.tag in SKIP:
            break
        inline.append(child)
        parts += [child.text_content(), child.tail or ""]
    return "".join(parts), inline


def notice_date(text: str, times: list[str], language: str | None) -> str | None:
    """The notice's date: its ``<time datetime>``, else the first date written in it (read by
    dateparser in the notice's language), UTC ISO 8601 or a bare ``YYYY-MM-DD``."""
    for value in times:
        if date := normalise_date(value):
            return date
    m = _DATE.search(text)
    if not m:
        return None
    written = m.group()
    if date := normalise_date(written):
        return date
    clock = _TIME.match(text[m.end():])
    import dateparser  # only for the few pages with a written-out notice date

    hour = ""
    if clock:
        hour = f" {clock.group(1)}:{clock.group(2)}" + (f"{clock.group(3).lower()}m"
                                                         if clock.group(3) else "")
    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False}
    parsed: datetime | None = dateparser.parse(
        written + hour, languages=[language] if language else None, settings=settings)
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed.isoformat(timespec="seconds") if clock else parsed.date().isoformat()


def find_corrections(tree: lxml_html.HtmlElement, node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every notice on the page, in page order, each once: ``{"kind", "text", "date"}``.
    Read the tree before the main-text extractor prunes it."""
    notices: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(kind: str, text: str, date: str | None) -> None:
        text = normalise_text(plain_text(text))
        if text and text.casefold() not in seen and len(text.split()) <= MAX_WORDS:
            seen.add(text.casefold())
            notices.append({"kind": kind, "text": text, "date": date})

    body = tree.find("body")
    for block in (body if body is not None else tree).iter(*BLOCKS):
        if not _ANY_PHRASE.match(_first_text(block)):
            continue  # the common case, decided without building the block's text
        if block.tag in SKIP or any(a.tag in SKIP for a in block.iterancestors()):
            continue
        lead, inline = _inline_text(block)
        if not lead.strip() or not (found := match_notice(lead.strip())):
            continue
        linked = sum(len(a.text_content()) for el in inline for a in el.iter("a"))
        if linked > LINKED_SHARE * len(lead.strip()):
            continue  # a menu entry or a link to a column, not a notice
        times = [t.get("datetime") or "" for el in inline for t in el.iter("time")]
        add(found[0], lead, notice_date(lead, times, found[1]))
    declared = node.get("correction")
    for entry in declared if isinstance(declared, list) else [declared]:
        if isinstance(entry, dict):
            text = text_of(entry.get("text") or entry.get("description"))
            if text:
                add("correction", text, normalise_date(text_of(entry.get("datePublished"))))
        elif isinstance(entry, str) and not entry.startswith(("http://", "https://")):
            add("correction", entry, None)
    return notices

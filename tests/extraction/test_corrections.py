"""Correction and update notices, every phrase family in every language it is written for."""

from __future__ import annotations

import pytest

from newsbot.cleaning import clean_article
from newsbot.extraction import extract_article, parse_html
from newsbot.extraction.corrections import PHRASES, find_corrections, match_notice
from support import article_page, lorem

# (language, kind, notice as the page writes it, the notice's date)
NOTICES = [
    ("en", "correction", ("<strong>Correction:</strong> The renovation cost 13 million crowns, "
     "not 11 million. (Nov. 21, 2026)"), "2026-11-21"),
    ("en", "clarification", "Clarification (November 22, 2026): The minister spoke on Tuesday.",
     "2026-11-22"),
    ("en", "earlier_version", ("<em>An earlier version of this article misstated the number of "
     "people evacuated.</em>"), None),
    ("en", "updated", ('This story has been updated with comments from the port authority. '
     '<time datetime="2026-11-21T15:00:00-05:00">3 p.m.</time>'), "2026-11-21T20:00:00Z"),
    ("en", "editors_note", "Editor’s note: This article is part of a series on coastal towns.",
     None),
    ("de", "correction", ("Korrektur vom 21.11.2026: In dieser Meldung hieß es zunächst, die "
     "Sanierung habe 11 Millionen Kronen gekostet."), "2026-11-21"),
    ("de", "clarification", "Klarstellung: Der Minister sprach am Dienstag, nicht am Montag.",
     None),
    ("de", "earlier_version", ("In einer früheren Version dieses Artikels hieß es, 80.000 "
     "Menschen seien betroffen."), None),
    ("de", "updated", "Dieser Artikel wurde am 21. November 2026 um 14:05 Uhr aktualisiert.",
     "2026-11-21T14:05:00"),
    ("de", "editors_note", ("Anmerkung der Redaktion: Dieser Beitrag erschien zuerst im "
     "Hafenkurier."), None),
    ("fr", "correction", "Rectificatif, le 21/11/2026 : la rénovation a coûté 13 millions.",
     "2026-11-21"),
    ("fr", "clarification", "Précision : le ministre s’est exprimé mardi et non lundi.", None),
    ("fr", "earlier_version", ("Dans une précédente version de cet article, nous indiquions "
     "80 000 personnes évacuées."), None),
    ("fr", "updated", "Cet article a été mis à jour le 21 novembre 2026 à 15h30.",
     "2026-11-21T15:30:00"),
    ("fr", "editors_note", "NDLR : cet entretien a été réalisé avant la tempête.", None),
    ("es", "correction", "Corrección (20 de noviembre de 2026): la obra costó 13 millones.",
     "2026-11-20"),
    ("es", "clarification", "Aclaración: el ministro habló el martes, no el lunes.", None),
    ("es", "earlier_version", ("Una versión anterior de este artículo indicaba que había 80.000 "
     "evacuados."), None),
    ("es", "updated", "Esta noticia fue actualizada el 21 de noviembre de 2026.", "2026-11-21"),
    ("es", "editors_note", "Nota del editor: este texto forma parte de una serie.", None),
    ("tr", "correction", "Düzeltme (21 Kasım 2026): Haberimizde maliyet yanlış yazılmıştır.",
     "2026-11-21"),
    ("tr", "clarification", "Tavzih: Bakan pazartesi değil salı günü konuştu.", None),
    ("tr", "earlier_version", ("Bu haberin önceki versiyonunda tahliye edilenlerin sayısı 80 bin "
     "olarak yer almıştı."), None),
    ("tr", "updated", "Bu haber 21 Kasım 2026 tarihinde güncellendi.", "2026-11-21"),
    ("tr", "editors_note", "Editörün notu: Bu röportaj fırtınadan önce yapıldı.", None),
    ("pt", "correction", "Correção: ao contrário do publicado, a obra custou 13 milhões.", None),
    ("pt", "clarification", "Esclarecimento: o ministro falou na terça-feira.", None),
    ("pt", "earlier_version", ("Uma versão anterior desta reportagem informava 80 mil "
     "desalojados."), None),
    ("pt", "updated", "Esta matéria foi atualizada em 21 de novembro de 2026.", "2026-11-21"),
    ("pt", "editors_note", "Nota da redação: esta entrevista foi feita antes da tempestade.",
     None),
    ("ar", "correction", "تصحيح: كلفت أعمال الترميم 13 مليون كرونة وليس 11 مليونا.", None),
    ("ar", "clarification", "توضيح: تحدث الوزير يوم الثلاثاء وليس يوم الاثنين.", None),
    ("ar", "earlier_version", "ورد في نسخة سابقة من هذا المقال أن عدد الذين تم إجلاؤهم 80 ألفا.",
     None),
    ("ar", "updated", "تم تحديث هذا الخبر في 21 نوفمبر 2026.", "2026-11-21"),
    ("ar", "editors_note", "ملاحظة المحرر: أجريت هذه المقابلة قبل العاصفة.", None),
]


def page(notice_html: str, lang: str = "en", head: str = "") -> str:
    return article_page("Library reopens", lorem("library"), lang=lang, head=head,
                        published="2026-11-20T10:00:00Z", after=f"<p>{notice_html}</p>")


def test_every_family_is_written_for_every_language_and_tested():
    tested = {(lang, kind) for lang, kind, _, _ in NOTICES}
    assert {(lang, kind) for kind, langs in PHRASES.items() for lang in langs} == tested
    assert {lang for lang, _ in tested} >= {"en", "de", "fr", "es", "tr", "pt", "ar"}


@pytest.mark.parametrize(("lang", "kind", "notice", "date"), NOTICES,
                         ids=[f"{n[0]}-{n[1]}" for n in NOTICES])
def test_notice_is_found_with_its_kind_and_date_and_leaves_the_body(lang, kind, notice, date):
    html = page(notice, lang)
    article = clean_article(extract_article("https://news.test/a", html))
    [found] = article["corrections"]
    assert found["kind"] == kind and found["date"] == date
    visible = parse_html(f"<p>{notice}</p>").text_content()
    assert found["text"] == " ".join(visible.split())
    assert found["text"][:25] not in article["articleBody"]  # a field of its own now
    assert article["articleBody"].startswith("library paragraph 1")


@pytest.mark.parametrize("text", [
    "Correction officers said the prison was overcrowded and understaffed.",
    "Updated: Nov. 20, 2026 14:05",  # the page's timestamp, not a note
    "Update 20.11.2026, 14:05",
    "The earlier version of the bill was rejected by the assembly in May.",
    "Précisions sur la tempête de jeudi soir dans le nord.",
])
def test_story_text_that_only_looks_like_a_notice_is_not_one(text):
    assert match_notice(text) is None
    assert find_corrections(parse_html(page(text)), {}) == []


def test_notices_in_markup_around_the_article_and_in_json_ld_each_once():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Library reopens",
          "correction": [{"@type": "CorrectionComment", "text": "The cost was 13 million crowns.",
                          "datePublished": "2026-11-21T09:00:00Z"}, "Cost corrected."]}
    notice = "Correction: An earlier version of this article gave the wrong cost."
    html = article_page("Library reopens", lorem("library"), json_ld=ld,
                        before=f'<div class="correction"><p>{notice}</p></div>',
                        after=f'<aside class="notes"><p>{notice}</p>'
                              f'<p>Editor\'s note: Part of our series.</p></aside>')
    found = find_corrections(parse_html(html), ld)
    assert found == [
        {"kind": "correction", "text": notice, "date": None},
        {"kind": "editors_note", "text": "Editor's note: Part of our series.", "date": None},
        {"kind": "correction", "text": "The cost was 13 million crowns.",
         "date": "2026-11-21T09:00:00Z"},
        {"kind": "correction", "text": "Cost corrected.", "date": None},
    ]


def test_a_notice_in_a_script_or_a_very_long_paragraph_is_not_one():
    script = '<script>var note = "Correction: this is code";</script>'
    long = "Correction: " + " ".join(["word"] * 250)
    html = page(long, head=script)
    assert find_corrections(parse_html(html), {}) == []


def test_menu_entries_and_links_named_like_a_column_are_not_notices():
    menu = ('<ul class="menu"><li><a href="/editors-note/">Editor\'s Note</a></li>'
            '<li><a href="/corrections/">Corrections: our policy</a></li></ul>')
    html = article_page("Library reopens", lorem("library"), before=menu,
                        after="<h3>Editor's Note</h3>")
    assert find_corrections(parse_html(html), {}) == []

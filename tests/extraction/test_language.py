import pytest

from newsbot.extraction import extract_article
from newsbot.extraction.language import article_language, declared_language

SPANISH = ("El ayuntamiento aprobó el martes la reapertura del canal norte para los "
           "transbordadores después de una larga discusión sobre el coste del dragado. Los "
           "operadores de los barcos "
           "dijeron que la decisión reducirá en un tercio el tiempo de travesía y que volverá la "
           "salida temprana que pedían los vecinos de las islas desde la primavera.")
GERMAN = ("Der Hafenrat hat am Dienstag beschlossen, den nördlichen Kanal bis Ende des Monats "
          "wieder für Fähren zu öffnen. Die Betreiber begrüßten die Entscheidung, weil sie die "
          "Überfahrt um ein Drittel verkürzt und die frühe Verbindung zurückbringt, die sich die "
          "Pendler von den Inseln seit dem Frühjahr gewünscht haben.")


@pytest.mark.parametrize(("raw", "tag"), [
    ("de_DE", "de-DE"), ("pt-br", "pt-BR"), ("EN", "en"), ("utf-8", None), ("", None),
    ("12", None),
])
def test_declared_language_tags(raw, tag):
    assert declared_language(raw) == tag


def page(lang_attr: str, text: str) -> str:
    return (f"<html{lang_attr}><head><title>Canal</title></head><body><article><h1>Canal</h1>"
            f"<p>{text}</p><p>{text}</p></article></body></html>")


def test_a_template_default_declaration_is_corrected_by_the_text():
    assert extract_article("https://x.test/a", page(' lang="en-US"', SPANISH))["inLanguage"] == "es"


def test_a_matching_declaration_is_kept_with_its_region():
    article = extract_article("https://x.test/a", page(' lang="de-AT"', GERMAN))
    assert article["inLanguage"] == "de-AT"


def test_an_undeclared_language_is_detected():
    assert extract_article("https://x.test/a", page("", GERMAN))["inLanguage"] == "de"
    assert extract_article("https://x.test/a", page(' lang="utf-8"', GERMAN))["inLanguage"] == "de"


def test_short_texts_keep_the_declaration():
    assert article_language("nb", "Ferja går igjen.") == "nb"
    assert article_language(None, "Ferja går igjen.") is None

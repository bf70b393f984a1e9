"""``inLanguage``: what the page declares, checked against what its text is written in.

Pages declare their language in JSON-LD, ``<html lang>``, ``og:locale`` or meta tags, and the
declaration is often a template default: ``lang="en-US"`` on Zulu and Swahili articles,
``"utf-8"``, a country code (``"kr"``). So the article's own text is read by py3langid
(a naive Bayes model over byte n-grams, shipped inside the package); the declaration stands
unless that text makes its language implausible, and the detected language is used when the
page declares none.
"""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

MIN_TEXT_CHARS = 200  # shorter texts are not detected reliably
MAX_TEXT_CHARS = 3000  # enough to decide; keeps detection under a millisecond or two
MIN_DECLARED_PROBABILITY = 0.01  # below this the text contradicts the declaration
# Declared codes the model knows under another name.
MODEL_CODES = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi", "fil": "tl"}


def declared_language(raw: str | None) -> str | None:
    """A BCP 47 tag from a declaration (``"de_DE"`` -> ``"de-DE"``), None for non-languages."""
    if not raw:
        return None
    parts = raw.strip().replace("_", "-").split("-")
    primary = parts[0].lower()
    if not primary.isalpha() or not 2 <= len(primary) <= 3 or primary == "utf":
        return None
    return "-".join([primary, *(p.upper() if len(p) == 2 else p for p in parts[1:2])])


@cache
def _identifier() -> LanguageIdentifier:
    """The model, loaded once per process on first use (about a second)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def article_language(declared: str | None, text: str) -> str | None:
    """The declared language unless the article text contradicts it; else the detected one."""
    text = text.strip()
    if len(text) < MIN_TEXT_CHARS:
        return declared
    probabilities: dict[str, float] = dict(_identifier().rank(text[:MAX_TEXT_CHARS]))
    if declared:
        primary = declared.split("-")[0]
        if probabilities.get(MODEL_CODES.get(primary, primary), 0.0) >= MIN_DECLARED_PROBABILITY:
            return declared
    return max(probabilities, key=probabilities.__getitem__)

"""Attribution: which wire agency an article comes from, and the evidence that says so.

Only structured places are read, never running text: the site itself (an agency's own domain),
what the page's JSON-LD credits (author, creator, provider, sourceOrganization, isBasedOn), a
cross-site canonical URL, the dateline and trailers the clean stage recorded, and the byline.
So "told AFP" in a quote and "(AP Photo/...)" in a caption (moved to ``images`` by the clean
stage) never count. "Source: TRT" on another outlet names the *immediate* source, not an agency;
"with agency inputs" names an unnamed agency. Pure: dicts in, dicts out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from newsbot.attribution.agencies import Agencies, name_key
from newsbot.cleaning.patterns import DATELINE
from newsbot.items import ArticleData, Evidence

# Strongest first: which cue decides sourceOrganization when cues disagree (a composite).
CUE_ORDER = ("domain", "jsonld:sourceOrganization", "jsonld:provider", "isBasedOn", "canonical",
             "jsonld:author", "jsonld:creator", "dateline", "byline", "trailer", "cluster")
_SOURCE_LINE = re.compile(r"^\(?\s*sources?\s*:\s*(?P<value>.+?)\s*\)?\.?$", re.IGNORECASE)
_DASH_LINE = re.compile(r"^[—–-]{1,2}\s*(?P<value>.+?)\.?$")
_INPUTS = re.compile(r"^\(?\s*with (?:additional )?(?:reporting|inputs?) (?:from|by) "
                     r"(?P<value>.+?)\s*\)?\.?$|^\(?\s*with (?:agency )?inputs?"
                     r"(?: from agencies)?\s*\)?\.?$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:/|,|;|&|\band\b)\s*", re.IGNORECASE)
_PHOTO = re.compile(r"\b(photo|photos|foto|image|picture|video)\b|\w/\w", re.IGNORECASE)
_UNNAMED = re.compile(r"^(agenc(y|ies)|wires?|news agencies|agency reports?)$", re.IGNORECASE)


@dataclass
class Attribution:
    sourceOrganization: str | None = None
    isSyndicated: bool = False
    immediateSource: str | None = None
    attributionEvidence: list[Evidence] = field(default_factory=list)

    def add(self, cue: str, text: str, agency: str | None) -> None:
        entry: Evidence = {"cue": cue, "text": text, "agency": agency}
        if entry not in self.attributionEvidence:
            self.attributionEvidence.append(entry)


def _host(url: str | None) -> str:
    return (urlsplit(url or "").hostname or "").lower().removeprefix("www.")


def _trailer(line: str, attribution: Attribution, agencies: Agencies,
             publisher: str | None) -> None:
    if _PHOTO.search(line) and not _SOURCE_LINE.match(line):
        return  # a photo credit ("REUTERS/Jane Doe", "Photo: AFP") is not attribution
    if agency := agencies.by_trailer_style(line):
        attribution.add("trailer", line, agency)
        return
    if m := _SOURCE_LINE.match(line):
        for part in filter(None, _SPLIT.split(m.group("value"))):
            if agency := agencies.by_name_or_code(part):
                attribution.add("trailer", line, agency)
            elif _UNNAMED.match(part):
                attribution.add("trailer", line, None)
            elif name_key(part) != name_key(publisher or "") and not attribution.immediateSource:
                attribution.immediateSource = part
        return
    if m := _INPUTS.match(line):
        named: list[str | None] = [
            a for p in _SPLIT.split(m.group("value") or "") if (a := agencies.by_name(p))]
        for agency in named or [None]:
            attribution.add("trailer", line, agency)
        return
    m = _DASH_LINE.match(line)
    if agency := agencies.by_name_or_code(m.group("value")) if m else agencies.by_name(line):
        attribution.add("trailer", line, agency)


def attribute(article: ArticleData, agencies: Agencies) -> Attribution:
    """Attribution fields of a cleaned article.

    ``article["attributionEvidence"]`` holds the raw JSON-LD cues of the extract stage; they are
    kept only when they name an agency.
    """
    attribution = Attribution()
    url = article.get("url")
    if own_site := agencies.by_host(_host(url)):
        attribution.add("domain", _host(url), own_site)
    for cue in article.get("attributionEvidence") or []:
        if not str(cue.get("cue")).startswith(("jsonld:", "isBasedOn")):
            continue  # only the extract stage's raw cues are read here
        text = cue.get("text") or ""
        if cue["cue"] == "isBasedOn":
            agency = agencies.by_host(_host(text)) if _host(text) != _host(url) else None
        else:
            agency = agencies.by_name(text) if not _PHOTO.search(text) else None
        if agency:
            attribution.add(cue["cue"], text, agency)
    canonical = article.get("canonicalUrl")
    if canonical and _host(canonical) != _host(url):
        if agency := agencies.by_host(_host(canonical)):
            attribution.add("canonical", canonical, agency)
    if dateline := article.get("dateline"):
        m = DATELINE.match(dateline + " x")
        for part in _SPLIT.split(m.group("agency") or "") if m else []:
            if agency := agencies.by_name_or_code(part):
                attribution.add("dateline", dateline, agency)
    for line in article.get("trailers") or []:
        _trailer(line, attribution, agencies, article.get("publisher"))
    credited = {e["agency"] for e in attribution.attributionEvidence
                if e["cue"] in ("jsonld:author", "jsonld:creator")}
    for author in article.get("authors") or []:
        name = author.get("name") or ""
        agency = agencies.by_name(name) if not _PHOTO.search(name) else None
        if agency and agency not in credited:
            attribution.add("byline", name, agency)
    attribution.sourceOrganization, attribution.isSyndicated = settle(
        attribution.attributionEvidence, attribution.immediateSource)
    return attribution


def site_agency(evidence: Sequence[Mapping[str, Any]]) -> str | None:
    """The agency whose own site the article is on (its ``domain`` cue), if any."""
    return next((e["agency"] for e in evidence if e.get("cue") == "domain"), None)


def settle(evidence: Sequence[Mapping[str, Any]],
           immediate_source: str | None) -> tuple[str | None, bool]:
    """``sourceOrganization`` and ``isSyndicated`` from the cues: the strongest cue naming an
    agency decides; syndicated when that agency is not the site's own, when the article names
    an immediate source, or credits unnamed agencies. (``newsbot export`` settles a line's own
    cues again when its story's original changed.)"""
    named = [e for e in evidence if e.get("agency") and e.get("cue") in CUE_ORDER]
    agency = min(named, key=lambda e: CUE_ORDER.index(e["cue"]))["agency"] if named else None
    syndicated = bool((agency and agency != site_agency(evidence)) or immediate_source
                      or any(e.get("agency") is None for e in evidence))
    return agency, syndicated

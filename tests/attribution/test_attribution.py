"""Attribution rules on articles written here: cues that count, and traps that must not."""

import pytest

import newsbot.settings
from newsbot.attribution import attribute
from newsbot.attribution.agencies import Agencies

AGENCIES = Agencies(newsbot.settings.NEWSBOT_ATTRIBUTION_AGENCIES)


def run(**article):
    return attribute({"url": "https://outlet.test/story", "publisher": "Outlet", **article},
                     AGENCIES)


@pytest.mark.parametrize(("dateline", "agency"), [
    ("WASHINGTON (AP) —", "AP"),
    ("(Reuters) -", "Reuters"),
    ("ANKARA (AA) –", "AA"),
    ("BEIJING, Jan. 5 (Xinhua) --", "Xinhua"),
    ("NEW DELHI (PTI):", "PTI"),
    ("PARIS (AFP) —", "AFP"),
    ("SEOUL, Jan. 5 (Yonhap) --", "Yonhap"),
    ("BERLIN (dpa) -", "dpa"),
])
def test_datelines_name_the_agency(dateline, agency):
    result = run(dateline=dateline)
    assert result.sourceOrganization == agency and result.isSyndicated
    assert result.attributionEvidence == [{"cue": "dateline", "text": dateline,
                                           "agency": agency}]


@pytest.mark.parametrize(("trailer", "agency"), [
    ("Source: AA", "AA"),
    ("— AFP", "AFP"),
    ("-- Reuters", "Reuters"),
    ("Reporting by Jane Doe; Editing by John Roe", "Reuters"),
    ("(Reporting by Jane Doe in Ankara; Additional reporting by Ali Veli; Editing by Sam Poe)",
     "Reuters"),
    ("The Associated Press", "AP"),
    ("With inputs from PTI", "PTI"),
    ("Sources: EFE, Agencies", "EFE"),
])
def test_trailers_name_the_agency(trailer, agency):
    result = run(trailers=[trailer])
    assert result.sourceOrganization == agency
    assert {"cue": "trailer", "text": trailer, "agency": agency} in result.attributionEvidence


def test_source_line_naming_an_outlet_is_the_immediate_source_not_the_agency():
    result = run(trailers=["Source: TRT"])
    assert result.sourceOrganization is None and result.immediateSource == "TRT"
    assert result.isSyndicated
    both = run(dateline="KYIV (Reuters) -", trailers=["Source: TRT"])
    assert (both.sourceOrganization, both.immediateSource) == ("Reuters", "TRT")
    own = run(trailers=["Source: Outlet"])
    assert own.immediateSource is None and not own.isSyndicated


def test_agency_inputs_name_an_unnamed_agency():
    result = run(trailers=["With agency inputs"])
    assert result.sourceOrganization is None and result.isSyndicated
    assert result.attributionEvidence == [{"cue": "trailer", "text": "With agency inputs",
                                           "agency": None}]


@pytest.mark.parametrize("article", [
    {"trailers": ["REUTERS/Jane Doe"]},                       # a photo credit left as a trailer
    {"trailers": ["(Photo/Reuters)"]},
    {"authors": [{"name": "AP Photo/Evan Vucci", "type": "Person"}]},
    {"authors": [{"name": "AA", "type": "Organization"}]},    # bare AA outside dateline/Source
    {"trailers": ["— AA Sports Desk"]},
    {"articleBody": "The minister told AFP on Monday that Reuters had it wrong."},
    {"images": [{"url": None, "caption": "Crowds gather.", "credit": "AP Photo/Evan Vucci"}]},
    {"trailers": ["The Associated Press contributed to this report."]},
    {"dateline": "WASHINGTON —"},
])
def test_traps_are_not_attribution(article):
    result = run(**article)
    assert result.sourceOrganization is None and not result.isSyndicated
    assert result.attributionEvidence == []


def test_bylines_and_json_ld_credits():
    byline = run(authors=[{"name": "Associated Press", "type": "Organization"}])
    assert byline.sourceOrganization == "AP"
    assert byline.attributionEvidence[0]["cue"] == "byline"
    jsonld = run(authors=[{"name": "Agence France-Presse", "type": "Organization"}],
                 attributionEvidence=[{"cue": "jsonld:author", "text": "Agence France-Presse"},
                                      {"cue": "jsonld:provider", "text": "Local Desk"}])
    assert jsonld.sourceOrganization == "AFP"
    assert [e["cue"] for e in jsonld.attributionEvidence] == ["jsonld:author"]


def test_domain_canonical_and_is_based_on():
    own = attribute({"url": "https://apnews.com/article/x", "dateline": "WASHINGTON (AP) —"},
                    AGENCIES)
    assert own.sourceOrganization == "AP" and not own.isSyndicated
    assert own.attributionEvidence[0] == {"cue": "domain", "text": "apnews.com", "agency": "AP"}
    canonical = run(canonicalUrl="https://www.reuters.com/world/x-2026-11-18/")
    assert canonical.sourceOrganization == "Reuters" and canonical.isSyndicated
    based = run(attributionEvidence=[{"cue": "isBasedOn", "text": "https://www.afp.com/en/x"}])
    assert based.attributionEvidence == [{"cue": "isBasedOn", "text": "https://www.afp.com/en/x",
                                          "agency": "AFP"}]


def test_the_strongest_cue_decides_a_composite():
    result = run(dateline="LONDON (Reuters) -", trailers=["— AFP"],
                 attributionEvidence=[{"cue": "jsonld:sourceOrganization", "text": "AFP"}])
    assert result.sourceOrganization == "AFP"
    assert {e["agency"] for e in result.attributionEvidence} == {"AFP", "Reuters"}


def test_the_alias_list_is_configurable():
    agencies = Agencies({"TWP": {"names": ["Tidewater Press"], "codes": ["TWP"]}})
    assert attribute({"url": "https://x.test/", "dateline": "HARBORTON (TWP) —"},
                     agencies).sourceOrganization == "TWP"
    assert attribute({"url": "https://x.test/", "dateline": "WASHINGTON (AP) —"},
                     agencies).sourceOrganization is None
    with pytest.raises(ValueError, match="agency 'X' must be an object with keys among"):
        Agencies({"X": {"aliases": ["X"]}})
    with pytest.raises(ValueError, match="agency 'X': 'names' must be a list of strings"):
        Agencies({"X": {"names": "X"}})

import pytest

from newsbot.extraction.authors import normalise_authors


@pytest.mark.parametrize(("values", "names"), [
    (["By Ana Ruiz and Tom Beck"], ["Ana Ruiz", "Tom Beck"]),
    (["Ana Ruiz, Tom Beck & Lea Hart"], ["Ana Ruiz", "Tom Beck", "Lea Hart"]),
    (["By Marta Lind, Staff Writer | Updated 6 May 2026"], ["Marta Lind"]),
    (["Published 3 hours ago"], []),
    (["https://example.test/authors/ana"], []),
    ([[{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "ana ruiz"}]],
     ["Ana Ruiz"]),
])
def test_names_are_split_and_cleaned(values, names):
    assert [a["name"] for a in normalise_authors(values)] == names


def test_organisations_are_authors_too():
    authors = normalise_authors([[{"@type": "Organization", "name": "Associated Press"},
                                  "Reuters", {"@type": "Person", "name": "Jo Park"}]])
    assert authors == [{"name": "Associated Press", "type": "Organization"},
                       {"name": "Reuters", "type": "Organization"},
                       {"name": "Jo Park", "type": "Person"}]

"""Attribute stage: the wire agency of each article, with its evidence (see
:mod:`newsbot.attribution`). Declared outlets that are agencies (``agency`` in their
declaration) add their hosts to that agency's domains, so their own pages count as the agency's.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newsbot.attribution import attribute
from newsbot.attribution.agencies import Agencies
from newsbot.outlets import load_outlets

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def agency_config(configured: dict[str, Any], outlets_file: str | None) -> dict[str, Any]:
    """The alias list with every declared agency outlet's hosts among its domains."""
    config = {code: dict(entry) for code, entry in configured.items()}
    for outlet in load_outlets(outlets_file).values():
        if outlet.agency:
            entry = config.setdefault(outlet.agency, {})
            entry["domains"] = [*entry.get("domains", ()), *outlet.hosts]
    return config


class AttributionPipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.agencies = Agencies(agency_config(settings.getdict("NEWSBOT_ATTRIBUTION_AGENCIES"),
                                               settings.get("NEWSBOT_OUTLETS_FILE")))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AttributionPipeline:
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        result = attribute(adapter.asdict(), self.agencies)
        for key, value in asdict(result).items():
            adapter[key] = value
        if result.sourceOrganization:
            self.stats.inc_value(f"newsbot/attribution/{result.sourceOrganization}")
        if result.isSyndicated:
            self.stats.inc_value("newsbot/attribution/syndicated")
        return item

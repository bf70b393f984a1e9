"""Clean stage as an item pipeline: see :mod:`newsbot.cleaning`."""

from __future__ import annotations

from itemadapter import ItemAdapter

from newsbot.cleaning import clean_article


class CleanPipeline:
    def process_item(self, item):
        adapter = ItemAdapter(item)
        for key, value in clean_article(adapter.asdict()).items():
            adapter[key] = value
        return item

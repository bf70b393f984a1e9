"""Item pipelines: thin Scrapy components over the pure stages (clean, validate, dedupe)."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class Dropped(DropItem):
    """An item a stage drops, logged at INFO, with its page-ledger outcome
    (:mod:`newsbot.ledger`: ``dropped/short_body``, ``duplicate/same_url``, ``unchanged``)."""

    def __init__(self, outcome: str, message: str):
        super().__init__(message, log_level="INFO")
        self.outcome = outcome

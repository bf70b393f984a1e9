"""Settings checked and derived from other settings before the crawler starts (a Scrapy add-on)."""

from __future__ import annotations

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newsbot import __version__, redact
from newsbot.config import check_settings
from newsbot.distributed.settings import distributed_settings


class Newsbot:
    """Checks every ``NEWSBOT_*`` setting before the crawler (or its spider) exists
    (:mod:`newsbot.config`), builds ``USER_AGENT`` from ``NEWSBOT_CONTACT_URL`` unless
    ``USER_AGENT`` was set, masks secrets in the log from the first line on
    (:mod:`newsbot.redact`), and switches to a distributed crawl when a Redis URL is given
    (:mod:`newsbot.distributed`)."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        check_settings(settings)

    def update_settings(self, settings: BaseSettings) -> None:
        redact.install()
        if (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["default"]:
            contact = settings.get("NEWSBOT_CONTACT_URL")
            settings.set("USER_AGENT", f"newsbot/{__version__} (+{contact})", priority="addon")
        distributed_settings(settings)

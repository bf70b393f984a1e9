"""Settings derived from other settings, applied before the crawler starts (a Scrapy add-on)."""

from __future__ import annotations

from scrapy.settings import BaseSettings, SETTINGS_PRIORITIES

from newsbot import __version__, redact


class Newsbot:
    """Builds ``USER_AGENT`` from ``NEWSBOT_CONTACT_URL`` unless ``USER_AGENT`` was set, and
    masks secrets in the log from the first line on (:mod:`newsbot.redact`)."""

    def update_settings(self, settings: BaseSettings) -> None:
        redact.install()
        if (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["default"]:
            contact = settings.get("NEWSBOT_CONTACT_URL")
            settings.set("USER_AGENT", f"newsbot/{__version__} (+{contact})", priority="addon")

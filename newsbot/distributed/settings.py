"""The settings a distributed crawl runs with, applied by the add-on when a Redis URL is given."""

from __future__ import annotations

import os

from scrapy.settings import BaseSettings

HANDLER = "newsbot.distributed.politeness.SharedPolitenessHandler"


def redis_url(settings: BaseSettings) -> str | None:
    """``NEWSBOT_REDIS_URL``, from the settings or else the environment (which keeps a password
    out of the process list that ``-s`` arguments show)."""
    return settings.get("NEWSBOT_REDIS_URL") or os.environ.get("NEWSBOT_REDIS_URL") or None


def distributed_settings(settings: BaseSettings) -> None:
    """scrapy-redis' scheduler and dupefilter, persistent, JSON, leased; the shared politeness
    budget; the lease middleware. Nothing changes without a Redis URL."""
    url = redis_url(settings)
    if not url:
        return
    settings.set("NEWSBOT_REDIS_URL", url, priority="cmdline")
    for name, value in {
        "SCHEDULER": "newsbot.distributed.scheduler.RedisScheduler",
        "DUPEFILTER_CLASS": "newsbot.distributed.scheduler.RedisDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "newsbot.distributed.scheduler.LeasedQueue",
        "SCHEDULER_PERSIST": True,  # a worker closing never flushes the shared queue
        "SCHEDULER_SERIALIZER": "json",  # never scrapy-redis' default, pickle
    }.items():
        settings.set(name, value, priority="cmdline")
    settings["DOWNLOAD_HANDLERS"].update({"http": HANDLER, "https": HANDLER})
    settings["SPIDER_MIDDLEWARES"]["newsbot.distributed.leases.LeaseMiddleware"] = 10

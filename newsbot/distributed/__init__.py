"""Distributed crawls: several crawler processes share one crawl through Redis.

``NEWSBOT_REDIS_URL`` switches a crawl to distributed mode (the add-on, :mod:`newsbot.addon`,
applies :func:`newsbot.distributed.settings.distributed_settings`). Every worker started with the
same spider arguments joins the same crawl:

* one frontier: scrapy-redis' scheduler and dupefilter, persistent, with requests as JSON and
  popped under a lease that is acknowledged only once the request is done (its article durably
  exported): :mod:`newsbot.distributed.scheduler`, :mod:`newsbot.distributed.codec`;
* one crawl state and one near-duplicate index (:mod:`newsbot.state.redis`,
  :mod:`newsbot.dedup.redis_store`);
* one politeness budget per host (:mod:`newsbot.distributed.politeness`);
* workers that wait for Redis when it goes away (:mod:`newsbot.distributed.connection`) and
  take over the leased requests of workers that died (:mod:`newsbot.distributed.crawl`).
"""

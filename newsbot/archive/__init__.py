"""Raw pages kept as WARC: what the crawl fetched, so a dataset can be re-extracted later.

:mod:`newsbot.archive.warc` writes a run's article responses to a gzip'd WARC file and reads
WARC files back, ours or other crawlers' (Common Crawl's CC-NEWS ...), skipping what no article
can come from. The spider middleware that feeds it during a crawl is
:mod:`newsbot.middlewares.archive`; ``newsbot extract --warc`` replays a file through the extract
and clean stages.
"""

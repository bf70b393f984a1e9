"""Scrapy settings for newsbot, and every NEWSBOT_* setting with its default.

Defaults are chosen for crawling real outlets politely and safely; the demo and the tests
override the few that must differ on a loopback network (see ``newsbot/demo/__main__.py``).
Every setting here is documented in README.md ("Settings").
"""

BOT_NAME = "newsbot"
SPIDER_MODULES = ["newsbot.spiders"]
NEWSPIDER_MODULE = "newsbot.spiders"
# `scrapy crawl` exits non-zero when a run may have lost data (newsbot/commands/crawl.py).
COMMANDS_MODULE = "newsbot.commands"
ADDONS = {"newsbot.addon.Newsbot": 0}

# --- Politeness -------------------------------------------------------------------------------
# Who we are: USER_AGENT is built from this by the addon unless USER_AGENT is set explicitly.
NEWSBOT_CONTACT_URL = "https://github.com/newsbot/newsbot"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Development: `-s HTTPCACHE_ENABLED=True` replays pages from .scrapy/httpcache.
HTTPCACHE_ENABLED = False
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_DIR = "httpcache"

# --- Bounds -----------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
METAREFRESH_MAXDELAY = 10
URLLENGTH_LIMIT = 2083
MEMUSAGE_WARNING_MB = 2048
# Scrapy creates CONCURRENT_ITEMS tasks per response (scrapy#5182); one article per page needs few.
CONCURRENT_ITEMS = 8

# --- Hosts, robots.txt, traps (see RELIABILITY.md) ----------------------------------------
# Per-host health (newsbot/middlewares/hosts.py): Retry-After honoured; without it, exponential
# back-off with jitter from BASE seconds, capped at MAX; a host asking for more than
# MAX_RETRY_AFTER seconds, or refusing PAUSE_AFTER times in a row (429, 5xx, bot challenges,
# connection failures; 0: never), is paused for the rest of the crawl, its requests kept.
NEWSBOT_HOSTS_BACKOFF_BASE = 2.0
NEWSBOT_HOSTS_BACKOFF_MAX = 120.0
NEWSBOT_HOSTS_MAX_RETRY_AFTER = 600.0
NEWSBOT_HOSTS_PAUSE_AFTER = 10
# Requests to paused hosts are written here, one file per crawl slug, for the next crawl.
NEWSBOT_DEFERRED_DIR = "data/state/deferred"
# robots.txt Crawl-delay is honoured up to this many seconds; a host asking for more is skipped.
NEWSBOT_ROBOTSTXT_MAX_CRAWL_DELAY = 30.0
# User agents of AI-training crawlers: what each host's robots.txt says to them is recorded in
# the run's manifest (robots_txt), and shown per outlet in dataset cards and the report.
NEWSBOT_ROBOTSTXT_AI_CRAWLERS = [
    "GPTBot", "CCBot", "Google-Extended", "ClaudeBot", "anthropic-ai", "Claude-Web",
    "PerplexityBot", "Bytespider", "Applebot-Extended", "meta-externalagent", "FacebookBot",
    "cohere-ai", "cohere-training-data-crawler", "Diffbot", "AI2Bot", "Ai2Bot-Dolma",
    "Amazonbot", "Timpibot", "omgili", "ImagesiftBot", "YouBot",
]
# Spider traps: a run of path segments repeated more than MAX_REPEATS times back to back (or a
# query parameter repeated), more than MAX_SEGMENTS segments, or more than
# MAX_REQUESTS_PER_HOST requests to one host in a crawl (0: no budget) are not followed.
NEWSBOT_TRAPS_MAX_REPEATS = 2
NEWSBOT_TRAPS_MAX_SEGMENTS = 20
NEWSBOT_TRAPS_MAX_REQUESTS_PER_HOST = 20000
# Wall-clock seconds extraction may spend on one page before the page is dropped (0: no limit).
NEWSBOT_EXTRACT_TIME_BUDGET = 5.0

# --- Safety -----------------------------------------------------------------------------------
# Requests to loopback, private, link-local and metadata addresses are refused unless allowed:
# True allows them all, a list of networks ("127.0.0.0/8,10.1.0.0/16") allows just those.
NEWSBOT_ALLOW_PRIVATE_NETWORKS = False
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
DOWNLOAD_VERIFY_CERTIFICATES = True
# No control surfaces: Scrapy's telnet console and its remote-control HTTP server (code execution
# on localhost, on by default since Scrapy 2.19) stay off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DOWNLOADER_MIDDLEWARES = {
    "newsbot.middlewares.failures.DownloadFailureMiddleware": 50,
    # which article URLs were requested, and why those without a response got none
    "newsbot.extensions.ledger.LedgerDownloaderMiddleware": 55,
    "newsbot.middlewares.network.PublicNetworkMiddleware": 60,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsbot.middlewares.robots.RobotsTxtMiddleware": 100,
    "newsbot.middlewares.hosts.HostHealthMiddleware": 570,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newsbot.middlewares.compression.HttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsbot.middlewares.redirects.MetaRefreshMiddleware": 580,
    "newsbot.middlewares.incremental.ConditionalGetMiddleware": 585,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newsbot.middlewares.redirects.RedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsbot.middlewares.failures.RetryMiddleware": 550,
}
SPIDER_MIDDLEWARES = {
    # next to the engine: which articles each response gave, and when the spider was done
    "newsbot.extensions.ledger.LedgerSpiderMiddleware": 5,
    "newsbot.middlewares.traps.TrapGuardMiddleware": 900,
    # archives article responses (NEWSBOT_ARCHIVE) just before the spider extracts them
    "newsbot.middlewares.archive.ArchiveMiddleware": 950,
    # after the trap guard and URL length limit: only URLs that will be requested become pending
    "newsbot.middlewares.incremental.IncrementalMiddleware": 750,
}

# --- Discovery --------------------------------------------------------------------------------
# A page requested as a front and as an article is fetched once (newsbot/discovery/roles.py).
DUPEFILTER_CLASS = "newsbot.dupefilter.RoleDupeFilter"
# JSON file with extra outlet declarations (a list of objects with the keys of Outlet).
NEWSBOT_OUTLETS_FILE = None
# How many links deep to follow from a section front (0: only the front's own article links).
NEWSBOT_FOLLOW_DEPTH = 1
# At most this many article links are taken from one front page.
NEWSBOT_FOLLOW_MAX_LINKS = 200
# Sitemap indexes are followed this many levels deep, at most MAX_CHILDREN sitemaps of one index
# (the most recent first); a sitemap may be MAX_BYTES long (50 MB by the protocol), inflated.
NEWSBOT_SITEMAP_MAX_DEPTH = 3
NEWSBOT_SITEMAP_MAX_CHILDREN = 1000
NEWSBOT_SITEMAP_MAX_BYTES = 50 * 1024 * 1024
# In a crawl of several outlets, wire agencies are crawled first, so reprints meet originals.
NEWSBOT_AGENCIES_FIRST = True

# --- Pipelines --------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "newsbot.pipelines.clean.CleanPipeline": 100,
    "newsbot.pipelines.validate.ValidatePipeline": 200,
    "newsbot.pipelines.attribute.AttributionPipeline": 250,
    "newsbot.pipelines.dedup.DedupPipeline": 300,
    "newsbot.pipelines.versions.VersionPipeline": 400,
}
# Pages whose clean body is shorter than this are not articles (section fronts, walls, 404s).
NEWSBOT_VALIDATE_MIN_BODY_CHARS = 200
# Longer clean bodies are not news articles (books, dumps, generated pages).
NEWSBOT_VALIDATE_MAX_BODY_CHARS = 500_000
NEWSBOT_DEDUP_ENABLED = True
# "mark": keep cross-outlet copies with duplicateOf/storyId; "drop": drop them (still counted).
NEWSBOT_DEDUP_MODE = "mark"
# Near-duplicate index (SQLite) kept between runs, beside the crawl state; ":memory:" for none.
NEWSBOT_DEDUP_INDEX_PATH = "data/state/near-duplicates.sqlite"
# Days of articles the index covers; older days expire whole.
NEWSBOT_DEDUP_WINDOW_DAYS = 7
# When two texts are one story (calibrated on benchmarks/dedup.py, see BENCHMARKS.md).
NEWSBOT_DEDUP_JACCARD = 0.5
NEWSBOT_DEDUP_CONTAINMENT = 0.5
NEWSBOT_DEDUP_LEAD_OVERLAP = 0.7
NEWSBOT_DEDUP_MIN_SHINGLES = 50
NEWSBOT_DEDUP_BRIEF_JACCARD = 0.8
NEWSBOT_DEDUP_RELATED_CONTAINMENT = 0.2
# Wire agencies recognised in datelines, trailers, bylines, JSON-LD and URLs. "names" count
# anywhere a cue is read; "codes" (ambiguous alone) only in a dateline or a "Source:" line;
# "trailers" are regexes of house-style trailer lines. Declared outlets with an `agency` add
# their own hosts as that agency's domains.
NEWSBOT_ATTRIBUTION_AGENCIES = {
    "AP": {"names": ["Associated Press", "AP"], "domains": ["apnews.com", "ap.org"]},
    "Reuters": {"names": ["Reuters", "Thomson Reuters"], "domains": ["reuters.com"],
                "trailers": [r"^\(?\s*(additional )?reporting by [^;]+;.*\bediting by "]},
    "AFP": {"names": ["AFP", "Agence France-Presse"], "domains": ["afp.com"]},
    "AA": {"names": ["Anadolu Agency", "Anadolu Ajansı"], "codes": ["AA", "Anadolu"],
           "domains": ["aa.com.tr"]},
    "dpa": {"names": ["dpa", "Deutsche Presse-Agentur"], "domains": ["dpa.com"]},
    "EFE": {"names": ["EFE", "Agencia EFE"], "domains": ["efe.com"]},
    "Xinhua": {"names": ["Xinhua", "Xinhua News Agency"], "domains": ["xinhuanet.com", "news.cn"]},
    "UPI": {"names": ["UPI", "United Press International"], "domains": ["upi.com"]},
    "PTI": {"names": ["PTI", "Press Trust of India"], "domains": ["ptinews.com"]},
    "IANS": {"names": ["IANS", "Indo-Asian News Service"], "domains": ["ians.in"]},
    "ANI": {"names": ["ANI", "Asian News International"], "domains": ["aninews.in"]},
    "Kyodo": {"names": ["Kyodo", "Kyodo News"], "domains": ["kyodonews.net"]},
    "Yonhap": {"names": ["Yonhap", "Yonhap News Agency"], "domains": ["yna.co.kr"]},
    "TASS": {"names": ["TASS"], "domains": ["tass.com", "tass.ru"]},
    "ANSA": {"names": ["ANSA"], "domains": ["ansa.it"]},
}

# --- Crawl state (scheduled crawls fetch and export only what is new) --------------------------
# Off: every run fetches and exports everything it finds (no versions, no lock).
NEWSBOT_STATE_ENABLED = True
NEWSBOT_STATE_PATH = "data/state/crawl.sqlite"
# URLs neither announced nor handled for this many days are forgotten.
NEWSBOT_STATE_TTL_DAYS = 30
# Young articles are fetched again (conditionally: If-None-Match, If-Modified-Since) this many
# hours after their first fetch, since updates are often not re-dated in sitemaps and feeds;
# fractions allowed; [] turns revisits off. A run comes late: it makes one revisit, not one
# per point it missed. A changed text is exported as a new version.
NEWSBOT_REVISIT_SCHEDULE = [1, 6, 24]
# Revisits made by one run at most, the longest due first, after new URLs (lower priority);
# the rest wait for the next run.
NEWSBOT_REVISIT_MAX_PER_RUN = 200

# --- Distributed crawls (README "Distributed crawls") ---------------------------------------
# redis://[:PASSWORD@]HOST:PORT/DB, or rediss://... for TLS (also read from the environment
# variable of the same name): workers started with the same spider arguments share one crawl.
NEWSBOT_REDIS_URL = None
# A worker's requests in flight go back to the queue this many seconds after it stopped
# renewing their lease (it was killed or froze); a live worker renews them every few seconds.
NEWSBOT_REDIS_LEASE_SECONDS = 60.0
# Seconds a worker waits for an unreachable Redis to come back before it stops with an error.
NEWSBOT_REDIS_OUTAGE_TIMEOUT = 600.0

# --- Export -----------------------------------------------------------------------------------
# One partition per run; a manifest is written next to it.
FEEDS = {
    "data/%(outlet)s/%(run_id)s.jsonl": {"format": "jsonl"},
}
# Articles written, flushed and fsync'd together, then marked exported in the crawl state.
NEWSBOT_EXPORT_BATCH_ITEMS = 100
FEED_EXPORTERS = {"jsonl": "newsbot.exporters.JsonLinesExporter"}
FEED_URI_PARAMS = "newsbot.exporters.uri_params"
FEED_STORE_EMPTY = True

# --- Crawl health (each run compared with the outlet's previous runs, newsbot/health.py) -------
# A drop beyond a margin against the median of the last RUNS runs (compared once MIN_RUNS exist;
# RUNS = 0: off) is a WARNING and is listed in the manifest; STRICT makes it fail the run.
NEWSBOT_HEALTH_RUNS = 5
NEWSBOT_HEALTH_MIN_RUNS = 2
NEWSBOT_HEALTH_FIELDS = ["headline", "datePublished", "articleBody"]
# absolute drop in a field's fill rate (0.2: 95 % -> under 75 %)
NEWSBOT_HEALTH_FILL_MARGIN = 0.2
# relative drop in articles exported (0.5: under half the usual count)
NEWSBOT_HEALTH_ARTICLES_MARGIN = 0.5
NEWSBOT_HEALTH_STRICT = False

# --- Archive (raw pages as WARC, for re-extraction: `newsbot extract --warc`) ----------------
# "warc": every article response goes to a gzip'd WARC file per run; None: no archive.
NEWSBOT_ARCHIVE = None
NEWSBOT_ARCHIVE_PATH = "data/%(outlet)s/%(run_id)s.warc.gz"

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = "INFO"
# Seconds between progress lines (pages, articles, duplicates, errors) during a crawl.
NEWSBOT_PROGRESS_INTERVAL = 30.0
EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,  # replaced by the progress line below
    "newsbot.extensions.summary.CrawlSummary": 500,
    "newsbot.extensions.state.CrawlStateKeeper": 100,
    # before RunManifest: the ledger is settled when the manifest is written
    "newsbot.extensions.ledger.PageLedger": 550,
    "newsbot.extensions.runs.RunManifest": 600,
    "newsbot.extensions.health.CrawlHealth": 610,
    "newsbot.extensions.deferred.DeferredRequests": 510,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

"""newsbot: a Scrapy pipeline for news articles and their syndicated copies."""

__version__ = "0.1.0"

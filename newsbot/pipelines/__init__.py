"""Item pipelines: thin Scrapy components over the pure stages (clean, validate, dedupe)."""

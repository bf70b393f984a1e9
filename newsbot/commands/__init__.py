"""Scrapy commands newsbot adapts (``COMMANDS_MODULE``)."""

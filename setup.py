"""Only for ``scrapyd-deploy``, which builds an egg with ``setup.py bdist_egg``; the project's
metadata is in pyproject.toml (without this file scrapyd-deploy would write its own)."""

from setuptools import setup

setup()

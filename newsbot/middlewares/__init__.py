"""Downloader middlewares: what every request must pass before it leaves the machine."""

"""Deduplication: fingerprints of URLs and texts, and the indexes that remember them."""

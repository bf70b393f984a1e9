"""Datasets for analysts: run partitions read back as one deduplicated, filtered, ordered set.

:mod:`newsbot.dataset.reader` selects records (replayed duplicates dropped by ``id``, filters,
versions); :mod:`newsbot.dataset.formats` writes them as JSON Lines, CSV or Parquet. The
``newsbot export`` command (:mod:`newsbot.cli`) puts the two together.
"""

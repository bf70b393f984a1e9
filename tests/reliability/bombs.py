"""Compression bombs made in milliseconds: 1 GiB of zeros in about 1 MB (gzip, deflate) or less.

A deflate stream flushed with ``Z_FULL_FLUSH`` after each 1 MiB block forgets its history, so
every block after the first compresses to the same bytes: the stream is one block repeated.
The trailers (CRC-32, Adler-32) are not computed: a bounded decompressor stops long before it
would check them, and that is what the bombs test.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from functools import cache

import brotli
from backports import zstd

GIB = 1 << 30
_MIB = 1 << 20


@cache
def _deflate_blocks(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = b"\0" * _MIB
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(zeros) + compressor.flush()
    return first + repeated * (size // _MIB - 2) + last


def gzip_bomb(size: int = GIB) -> bytes:
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + _deflate_blocks(size) + struct.pack("<II", 0, size & 0xFFFFFFFF)


def deflate_bomb(size: int = GIB) -> bytes:
    return b"\x78\xda" + _deflate_blocks(size) + b"\0\0\0\0"


@cache
def brotli_bomb(size: int = GIB) -> bytes:
    compressor = brotli.Compressor(quality=5)
    zeros = b"\0" * _MIB
    return b"".join(compressor.process(zeros) for _ in range(size // _MIB)) + compressor.finish()


@cache
def zstd_bomb(size: int = GIB) -> bytes:
    compressor = zstd.ZstdCompressor(level=3)
    zeros = b"\0" * _MIB
    return b"".join(compressor.compress(zeros) for _ in range(size // _MIB)) + compressor.flush()


def stacked_gzip_bomb(size: int = GIB) -> bytes:
    """``Content-Encoding: gzip, gzip``: a gzip'd gzip bomb."""
    return gzip.compress(gzip_bomb(size), mtime=0)

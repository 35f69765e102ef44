"""A snapshot's files: written whole and synced, or not at all; old builds and crash leftovers removed."""

import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path

import brotli

GZIP_LEVEL = 6  # made once per version, so worth a smaller file than the streams' level 1
# Measured at 100,000 cameras (107 MB of text): quality 5 is 8% smaller than gzip 6 (13% on the GeoJSON)
# for 0.9-1.8x its time; 4 gains 1%, 6 and 7 cost about 2x, 9 6x, 11 some 300x (an hour at 1,000,000).
BROTLI_QUALITY = 5
CODINGS = {"br": ".br", "gzip": ".gz"}  # each text file's copies: Content-Encoding -> suffix
WRITE_BUFFER = 1 << 20


class _Brotli:
    """brotli.Compressor with zlib's compress/flush names, so one loop feeds both."""

    def __init__(self) -> None:
        self._encoder = brotli.Compressor(mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)

    def compress(self, data: bytes) -> bytes:
        return self._encoder.process(data)

    def flush(self) -> bytes:
        return self._encoder.finish()


def packer(coding: str):
    """A fresh compressor for one file of `coding`: compress(bytes) -> bytes, then flush() -> the rest."""
    if coding == "gzip":
        return zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: a gzip header, mtime 0, so bytes repeat
    return _Brotli()


def write_text(path: Path, chunks: Iterator[str]) -> None:
    """The plain file and one copy per coding (`.br`, `.gz`) in one pass over the stream."""
    with ExitStack() as files:
        plain = files.enter_context(open(path, "wb", buffering=WRITE_BUFFER))
        packed = [
            (packer(coding), files.enter_context(open(f"{path}{suffix}", "wb", buffering=WRITE_BUFFER)))
            for coding, suffix in CODINGS.items()
        ]
        for chunk in chunks:
            data = chunk.encode()
            plain.write(data)
            for pack, out in packed:
                out.write(pack.compress(data))
        for pack, out in packed:
            out.write(pack.flush())
        for handle in (plain, *(out for _, out in packed)):
            sync(handle)


def write_bytes(path: Path, parts: Iterable[bytes]) -> None:
    with open(path, "wb", buffering=WRITE_BUFFER) as out:
        for part in parts:
            out.write(part)
        sync(out)


def sync(handle) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_json(target: Path, body: dict) -> None:
    """Write JSON beside `target` and rename it over: readers see the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".manifest-")
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(body, out)
            sync(out)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def prune(root: Path, serving: Path, keep: int) -> None:
    """Keep the newest `keep` builds; a download already reading an older file keeps its open handle."""
    builds = sorted((p for p in root.glob("v*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in builds if p != serving][keep - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def clear_leftovers(root: Path) -> None:
    for path in root.glob(".build-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in root.glob(".manifest-*"):
        path.unlink(missing_ok=True)

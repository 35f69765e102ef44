"""A snapshot's files: written whole and synced, or not at all; old builds and crash leftovers removed."""

import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

GZIP_LEVEL = 6  # made once per version, so worth a smaller file than the streams' level 1
WRITE_BUFFER = 1 << 20


def write_text(path: Path, chunks: Iterator[str]) -> None:
    """The plain file and its gzip in one pass over the stream."""
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: a gzip header, mtime 0, so bytes repeat
    with open(path, "wb", buffering=WRITE_BUFFER) as plain, open(f"{path}.gz", "wb", buffering=WRITE_BUFFER) as packed:
        for chunk in chunks:
            data = chunk.encode()
            plain.write(data)
            packed.write(packer.compress(data))
        packed.write(packer.flush())
        sync(plain)
        sync(packed)


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

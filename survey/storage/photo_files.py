"""The only module that touches photo files: a content-addressed store on local disk."""

import errno
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from survey.errors import StorageFull

# Originals are evidence and stay private; only the re-encoded copies are ever served publicly.
PRIVATE, DISPLAY, THUMB = "originals", "display", "thumbs"
# One multi-megabyte write() is about 4x slower on Linux than the same bytes in 256 KB pieces
# (measured by bench/: 10 ms against 2.5 ms for a 4.4 MB photo on ext4).
WRITE_CHUNK = 256 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_for(area: str, digest: str, ext: str) -> str:
    """Names come from hashes only, so no volunteer-supplied text reaches the filesystem."""
    return f"{area}/{digest[:2]}/{digest}.{ext}"


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("key escapes the storage root")
        return path

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, key: str, data: bytes) -> bool:
        """Write atomically; return False when identical content was already there."""
        target = self.path(key)
        if target.is_file():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb", buffering=0) as handle:
                view = memoryview(data)
                for start in range(0, len(view), WRITE_CHUNK):
                    handle.write(view[start : start + WRITE_CHUNK])
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            _discard(tmp)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFull("The server is out of storage space. Please retry later.") from exc
            raise
        return True

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        _discard(self.path(key))

    def keys(self) -> Iterator[str]:
        """Every stored file, as keys, skipping half-written temporaries."""
        return (key for key in self._all() if not _temporary(key))

    def temporaries(self) -> Iterator[str]:
        """Half-written files a crash left behind (put() removes its own on any error)."""
        return (key for key in self._all() if _temporary(key))

    def _all(self) -> Iterator[str]:
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                yield path.relative_to(self.root).as_posix()

    @contextmanager
    def lock(self, exclusive: bool = False) -> Iterator[None]:
        """Writers share it from their first file to their commit; a clean-up takes it alone.

        Two uploads of the same photo share its content-addressed files. Without this, one
        upload's failure could delete a file that another, not yet committed, found in place.
        """
        # Beside the root, not in it: the root holds photo files and nothing else.
        self.root.parent.mkdir(parents=True, exist_ok=True)
        with open(self.root.with_name(self.root.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def digest(self, key: str) -> str:
        """sha256 of a stored file, read in chunks so large originals need little memory."""
        hasher = hashlib.sha256()
        with self.path(key).open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(chunk)
        return hasher.hexdigest()

    def modified_at(self, key: str) -> float:
        return self.path(key).stat().st_mtime


def digest_in_key(key: str) -> str:
    """The content hash a key was named after: 'originals/ab/abcd....jpg' -> 'abcd...'."""
    return key.rsplit("/", 1)[-1].split(".", 1)[0]


def _temporary(key: str) -> bool:
    return key.rsplit("/", 1)[-1].startswith(".tmp-")


def _discard(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def get_storage() -> LocalStorage:
    return LocalStorage(current_app.config["DATA_DIR"])

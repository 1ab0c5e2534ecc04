"""Files written so a reader sees the old bytes or the new ones, never half; files hashed.

``write_atomically`` is the one way reportlib replaces a file outside a pack's staging
folder: the new bytes go to a temporary file beside it, which is then renamed over it.
The file gets the mode a plain ``open`` would give it under the umask (or keeps the mode
it had), never the private 0600 of a temporary file.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from reportlib.errors import InputError, Location

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where the OS allows (Linux ``/proc``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # elsewhere: set and restore it, briefly stricter (never looser) than it was
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def write_atomically(path: str | Path, content: bytes | str | Callable[[Path], None], *,
                     temp: str | Path | None = None, durable: bool = False) -> Path:
    """Replace ``path`` with ``content`` (bytes, text as UTF-8, or ``write(tmp)`` that writes
    the temporary file). ``temp``: the temporary file's path, when a cleaner must recognise
    it (else a unique name beside ``path``). ``durable``: flushed to disk before the rename.
    On any failure the temporary file is removed and ``path`` is as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if temp is None:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(handle)
        tmp = Path(name)
    else:
        tmp = Path(temp)
        tmp.unlink(missing_ok=True)  # a link planted there is removed, never written through
        tmp.open("xb").close()  # "x": created here, or the write fails
    try:
        if callable(content):
            content(tmp)
        else:
            tmp.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        if durable:
            with open(tmp, "rb+") as out:
                os.fsync(out.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~current_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (always read: what verify and manifests use)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def refuse_link_out(path: str | Path, folder: str | Path) -> None:
    """Raise ``InputError`` naming ``path`` if it is a symbolic link whose target lies outside
    ``folder``, its data folder. Such a file would be read from elsewhere (with the layouts and
    decisions beside its target, not beside the link), and a report made from it could not be
    verified from the project. A link to another file in the same folder is fine."""
    path = Path(path)
    if not path.is_symlink():
        return
    target, home = path.resolve(), Path(folder).resolve()
    if target == home or home in target.parents:
        return
    raise InputError(f"{path} is a symbolic link to {target}, outside its data folder {folder}; a link in a data "
                     f"folder is never followed out of it: put the file itself in {folder}", Location(file=path.name))

"""Atomic writes: a reader sees the old file or folder or the new one, never a half-written file and never a
folder that mixes two versions (docs/architecture.md, "Atomic folders").

* ``atomic_write_bytes`` / ``atomic_write_text`` write one file: a temporary file beside it, renamed over it.
* ``replacing_folder`` writes a whole folder (a plan, an export, a scenario variant): the caller fills a
  staging folder beside the target, which then takes the target's place in one step — Linux's
  ``renameat2(RENAME_EXCHANGE)`` swaps the two folders — and the old folder, now under the staging name, is
  deleted. The target stays a real folder (a path committed in git keeps working).
* ``folder_version`` is what a reader of several files compares before and after reading: a folder replaced
  meanwhile is read again.

A write killed at any point leaves the old or the new folder at the target, plus at most a hidden leftover
beside it (``.NAME.<random>.tmp``), which the next write of the same target deletes. Writers hold an ``flock``
on their staging folder or temporary file while they work, so a clean-up never deletes the work of a writer
that is still running.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from planner.core.problems import Problem, ScenarioError


def _default_mode(kind: int) -> int:
    """The permissions an ordinary new file (0o666) or folder (0o777) gets less the umask; mkstemp and
    mkdtemp would give 0o600 and 0o700."""
    mask = os.umask(0)
    os.umask(mask)
    return kind & ~mask


_FILE_MODE = _default_mode(0o666)
_FOLDER_MODE = _default_mode(0o777)
_TMP = ".tmp"


# --- leftovers of killed writes, and the locks that tell them from live work ----------------------------


def _is_leftover_of(entry: str, target_name: str) -> bool:
    """``.NAME.<random>.tmp`` (temporary files, staging folders); ``.NAME.old-<hex>`` (the folder an earlier
    version of ``save_variant`` moved aside)."""
    prefix = f".{target_name}."
    middle = entry[len(prefix):] if entry.startswith(prefix) else ""
    return (middle.endswith(_TMP) and len(middle) > len(_TMP)) or middle.startswith("old-")


def _looks_like_leftover(entry: str) -> bool:
    """A leftover of any target (never carried into a new version of a folder)."""
    return entry.startswith(".") and entry.count(".") >= 2 and (
        entry.endswith(_TMP) or ".old-" in entry)


def _same_entry(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file or folder open as ``fd``."""
    try:
        seen = os.lstat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (seen.st_dev, seen.st_ino) == (held.st_dev, held.st_ino)


def _hold(fd: int, path: Path) -> bool:
    """Lock what ``fd`` refers to for this writer; False when a clean-up deleted ``path`` before the lock was
    taken (then the caller makes another). Where the filesystem has no locks the work goes on unlocked, and
    clean-ups there remove nothing (``remove_leftovers`` cannot take a lock either)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while a clean-up looks at it
    except OSError:
        return True
    return _same_entry(fd, path)


def remove_leftovers(target: str | os.PathLike) -> list[Path]:
    """Delete the hidden temporary files and staging folders that killed writes of ``target`` left beside it;
    those a running writer holds are left alone. Returns what was deleted."""
    target = Path(target)
    try:
        entries = os.listdir(target.parent)
    except (FileNotFoundError, NotADirectoryError):
        return []
    removed = []
    for entry in sorted(entries):
        if not _is_leftover_of(entry, target.name):
            continue
        path = target.parent / entry
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live writer holds it (or locks are not supported here: leave it)
            if not _same_entry(fd, path):
                continue
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


# --- one file ---------------------------------------------------------------------------------------------


def _fsync_folder(folder: Path) -> None:
    """Make the entries of ``folder`` (renames into it) durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to a temporary file in the same folder, then rename it over ``path``. Temporary files
    of killed writes of ``path`` are deleted first."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    while True:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TMP, dir=target.parent)
        tmp = Path(name)
        if _hold(fd, tmp):
            break
        os.close(fd)
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# --- a whole folder ---------------------------------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _load_renameat2():
    """The C library's ``renameat2`` (Linux, glibc 2.28 and later), or None. Python's ``os`` has no binding."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def exchange(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Swap the two existing paths ``a`` and ``b`` in one step. False when this system or filesystem cannot
    (then nothing changed); other failures raise ``OSError``."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(a), None, os.fspath(b))


def folder_version(path: str | os.PathLike) -> tuple[int, ...] | None:
    """Changes whenever the folder at ``path`` is replaced (or an entry of it renamed); None when absent."""
    try:
        seen = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return seen.st_dev, seen.st_ino, seen.st_mtime_ns, seen.st_ctime_ns


def writable_folder(path: str | os.PathLike) -> Path:
    """The folder ``replacing_folder`` replaces for ``path`` (a symbolic link is followed, and stays); raises
    ``ScenarioError`` naming ``path`` when it is a file, or holds this program's working folder."""
    folder = Path(os.path.abspath(path))
    if folder.is_symlink():
        folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise ScenarioError([Problem(str(path), "this is a file, not a folder; choose a folder name")],
                            unreadable=True)
    try:
        working = Path.cwd().resolve()
    except FileNotFoundError:
        working = None
    if not folder.name or (working is not None and working.is_relative_to(folder.resolve())):
        raise ScenarioError([Problem(str(path), "this folder is (or holds) the working folder, which a new "
                                     "version of the folder would leave deleted; write to another folder")],
                            unreadable=True)
    return folder


def _new_staging_folder(target: Path) -> tuple[int, Path]:
    """A new hidden folder beside ``target``, locked by this writer: (its descriptor, its path)."""
    while True:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=_TMP, dir=target.parent))
        try:
            fd = os.open(staging, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except FileNotFoundError:
            continue
        if _hold(fd, staging):
            return fd, staging
        os.close(fd)


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, destination, follow_symlinks=False)


def _ignore_leftovers(_folder: str, entries: list[str]) -> list[str]:
    return [e for e in entries if _looks_like_leftover(e)]


def _duplicate(source: Path, destination: Path, copy_function) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, destination, symlinks=True, copy_function=copy_function,
                        ignore=_ignore_leftovers)
    else:
        copy_function(str(source), str(destination))


def _fsync_tree(folder: Path) -> None:
    """Make every file and folder under ``folder`` durable before the switch publishes them (copies and
    links included; a file already synced costs little)."""
    for root, _folders, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if os.path.islink(path):
                continue
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_folder(Path(root))


def _switch(staging: Path, target: Path) -> None:
    """Put the folder ``staging`` in ``target``'s place; the old folder is deleted."""
    _fsync_tree(staging)
    if not os.path.lexists(target):
        try:
            os.rename(staging, target)
            _fsync_folder(target.parent)
            return
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise  # else another writer made the folder meanwhile: replace it as below
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # the old folder, now under the staging name
    else:
        _replace_in_two_renames(staging, target)
    _fsync_folder(target.parent)


def _replace_in_two_renames(staging: Path, target: Path) -> None:
    """Where folders cannot be swapped: move the old folder aside, then the new one in. Between the two
    renames there is no folder at ``target`` (never a mixed one); a kill there leaves the old folder aside as a
    leftover, and the next write puts a new folder in place."""
    fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _hold(fd, target)  # the old folder stays locked under its aside name, so no clean-up takes it
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=_TMP, dir=target.parent))
        os.rename(target, aside)  # replaces the empty placeholder
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(aside, target)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    finally:
        os.close(fd)


@contextmanager
def replacing_folder(target: str | os.PathLike, *, start_from: Iterable[str] = (),
                     keep_others: bool = False) -> Iterator[Path]:
    """Write the folder ``target`` as a whole: yields an empty staging folder beside it to write into; when
    the block ends without an error the staging folder takes ``target``'s place in one step. An error leaves
    ``target`` as it was and removes the staging folder; leftovers of killed writes are removed first.

    ``start_from``: entries of the current folder copied into the staging folder before the block (an export
    reads its earlier calendars). ``keep_others``: entries of the current folder that the block did not write
    (say, a plan folder's ``exports/``) are carried into the new folder, as hard links where the filesystem
    allows, just before the switch.
    """
    final = writable_folder(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(final)
    fd, staging = _new_staging_folder(final)
    try:
        current = final if final.is_dir() else None
        os.chmod(staging, stat.S_IMODE(os.stat(current).st_mode) if current else _FOLDER_MODE)
        for entry in start_from:
            if current and os.path.lexists(current / entry) and not _looks_like_leftover(entry):
                _duplicate(current / entry, staging / entry, shutil.copy2)
        yield staging
        if keep_others and current and current.is_dir():
            for entry in sorted(os.listdir(current)):
                if not os.path.lexists(staging / entry) and not _looks_like_leftover(entry):
                    _duplicate(current / entry, staging / entry, _link_or_copy)
        _switch(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(fd)


__all__ = ["atomic_write_bytes", "atomic_write_text", "exchange", "folder_version", "remove_leftovers",
           "replacing_folder", "writable_folder"]

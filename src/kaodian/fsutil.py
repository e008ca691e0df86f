"""Atomic writes: every output goes to a temporary file in its folder, then is renamed.

An interrupted build therefore leaves the previous output intact: the rename is
the only moment the output changes, and it either happens whole or not at all.
A temporary file orphaned by a killed process is removed by the next write of
the same output.

Each file is flushed to disk before its rename. A build writes hundreds of files;
inside :func:`build_session` the flushes are deferred and done together, many at
once, when the build ends (one disk flush costs milliseconds, hundreds run in
parallel in about the time of a few), and the output folder is swept for orphans
once, at the start, instead of at every write. The files that worker processes
wrote are flushed in the background as soon as they are handed over, while the
workers go on: the parent of a parallel build has nothing else to do.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

from .errors import OutputError, OverwriteError

_TMP_SUFFIX = ".tmp"
#: ``.<output name>.<writer's pid>.<random>.tmp``, as :func:`atomic_path` names its temporary files
_TEMPORARY = re.compile(r"\.(?P<target>.+)\.(?P<pid>\d+)\.[^.]+\.tmp")
#: Parallel flushes at the end of a build session.
_FLUSH_THREADS = 16


#: The files written in the current :func:`build_session`, to flush at its end; None outside one.
_session: list[Path] | None = None
#: The process that opened it: a worker forked inside a session does not share its parent's.
_session_pid = 0
#: The flushes of the files other processes wrote in the current session, running in the background.
_handed: _Background | None = None


def _current() -> list[Path] | None:
    """This process's session, if one is open."""
    return _session if _session_pid == os.getpid() else None


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def ensure_dir(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` (and its parents) if needed; OutputError if something is in the way."""
    path = Path(folder)
    try:
        for part in (path, *path.parents):
            if part.is_dir():
                break
            if part.exists():
                raise OutputError(f"{part} is a file, not a folder; remove it or choose another output folder with -o")
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the folder {path}: {_reason(exc)}; choose another output folder with -o"
        ) from exc
    return path


def check_dir(folder: str | os.PathLike[str]) -> Path:
    """Refuse early a folder that :func:`ensure_dir` could not make or fill, without creating anything."""
    path = Path(folder)
    for part in (path, *path.parents):
        if part.is_dir():
            if not os.access(part, os.W_OK | os.X_OK):
                raise OutputError(f"cannot write to the folder {part}; choose another output folder with -o")
            return path
        if part.exists() or part.is_symlink():
            raise OutputError(f"{part} is a file, not a folder; remove it or choose another output folder with -o")
    return path


def check_writable(path: str | os.PathLike[str], *, force: bool) -> None:
    """Refuse early what :func:`atomic_path` would refuse: an existing file without ``force``, a folder."""
    _writable_mode(Path(path), force=force)


def _writable_mode(target: Path, *, force: bool) -> int | None:
    """:func:`check_writable`'s checks, with one stat; the mode of what is at ``target`` (None: nothing)."""
    existing = _mode(target)
    if existing is not None and stat.S_ISDIR(existing):
        raise OutputError(f"{target} is a folder; give a file name to write to")
    if existing is not None and not force:
        raise OverwriteError(f"{target} exists and may hold your edits; pass --force to replace it")
    return existing


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive but not ours
    return True


def _orphans(folder: Path) -> dict[str, list[str]]:
    """Temporary files in ``folder`` left by writers that no longer run (killed builds), by output name."""
    found: dict[str, list[str]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            name = entry.name
            if not (name.startswith(".") and name.endswith(_TMP_SUFFIX)):
                continue
            match = _TEMPORARY.fullmatch(name)
            if match is None:
                continue
            pid = int(match["pid"])
            if pid != os.getpid() and not _pid_alive(pid):
                found.setdefault(match["target"], []).append(entry.path)
    return found


def _remove(paths: Iterable[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _remove_orphans(target: Path) -> None:
    """Remove the temporary files of ``target`` left by writers that no longer run."""
    _remove(_orphans(target.parent).get(target.name, []))


#: The errors ``Path.exists`` reads as "nothing there": missing, a file in the path, a bad descriptor, a link loop.
_MISSING_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _mode(path: Path) -> int | None:
    """The mode of what ``path`` points to, or None when ``Path.exists`` would say there is nothing.

    One stat answers what ``is_dir``, ``exists`` and ``is_file`` would each ask again.
    """
    try:
        return os.stat(path).st_mode
    except OSError as exc:
        if exc.errno in _MISSING_ERRNOS:
            return None
        raise
    except ValueError:  # a NUL in the name
        return None


def _fsync(path: str | os.PathLike[str]) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_all(paths: Iterable[str | os.PathLike[str]]) -> None:
    for path in paths:
        _fsync(path)


def _flush(paths: Iterable[Path], folders: Iterable[Path] = ()) -> None:
    """fsync ``paths`` and their folders (which hold the renames), many at a time: fsync waits, not computes.

    ``folders``: more folders to flush, whose files were flushed already.
    """
    files = list(dict.fromkeys(paths))
    dirs = dict.fromkeys([*folders, *(p.parent for p in files)]) if os.name == "posix" else {}
    if not files and not dirs:
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(_FLUSH_THREADS, max(len(files), len(dirs)))) as pool:
        list(pool.map(_fsync, files))
        list(pool.map(_fsync, dirs))


class _Background:
    """Files flushed by background threads as they come; their folders wait for :meth:`wait`'s caller."""

    def __init__(self) -> None:
        self.pool: ThreadPoolExecutor | None = None
        self.folders: dict[Path, None] = {}

    def add(self, paths: Iterable[Path]) -> None:
        """Flush ``paths`` in one task (the few files of a document): a task per file costs the build more."""
        batch = list(paths)
        if not batch:
            return
        if self.pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(max_workers=_FLUSH_THREADS, thread_name_prefix="flush")
        for path in batch:
            self.folders[path.parent] = None
        self.pool.submit(_fsync_all, batch)

    def wait(self) -> None:
        """Wait until every file added is flushed."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)


@contextlib.contextmanager
def build_session(sweep: Path | None = None, *, flush: bool = True) -> Iterator[list[Path]]:
    """Within the block, atomic writes defer their flush to disk to the end of the block, done in parallel.

    Every write is still atomic (a temporary file renamed into place): an interrupted
    build leaves each output whole, old or new. What waits is only the flush that makes
    the files survive a power cut; it is done before the block ends, so a build that
    reports success has its outputs on disk.

    ``sweep``: the folder the session writes into, cleared at the start of what killed
    writers left; writes in the session do not look for orphans again. A worker process
    of a build passes no folder (its parent swept it) and ``flush=False``: it hands the
    yielded list of the files it wrote to its parent, which flushes them in the background
    (:func:`flush_later`) and their folders with its own files at the end. Sessions do not
    nest: an inner one is the outer one.
    """
    global _session, _session_pid, _handed
    current = _current()
    if current is not None:
        yield current
        return
    if sweep is not None:
        _remove(path for orphans in _orphans(Path(sweep)).values() for path in orphans)
    written: list[Path] = []
    handed = _Background()
    _session, _session_pid, _handed = written, os.getpid(), handed
    try:
        yield written
    finally:
        _session = _handed = None
        handed.wait()
        if flush:
            _flush(written, handed.folders)


def flush_later(paths: Iterable[Path]) -> None:
    """Flush ``paths`` (written by another process) in the background of the current session, or now outside one.

    The session's end waits for those flushes, then flushes the files' folders, which hold their renames.
    """
    if _current() is None or _handed is None:
        _flush(paths)
    else:
        _handed.add(paths)


#: The temporary files of this process are told apart by a counter (and their names hold its id).
_temporaries = itertools.count()
#: Tries at a free temporary name before giving up, as :func:`tempfile.mkstemp` makes.
_TEMPORARY_TRIES = 100
#: A random part of this process's temporary names, so a name left by a killed writer is never taken again.
_TOKEN = "-" + os.urandom(4).hex()


def _create_temporary(target: Path, mode: int) -> tuple[int, str]:
    """A new temporary file beside ``target`` with ``mode`` (less the umask), open for writing: (fd, path).

    Its folder is made if it is missing. OSError if the folder cannot hold it.
    """
    folder, name = os.path.split(os.fspath(target))
    prefix = os.path.join(folder, f".{name}.{os.getpid()}.")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    made = False
    for _ in range(_TEMPORARY_TRIES):
        tmp = f"{prefix}{next(_temporaries):x}{_TOKEN}{_TMP_SUFFIX}"
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:  # left by a killed process that had our id
            continue
        except (FileNotFoundError, NotADirectoryError):  # the folder is missing, or a file is in its way
            if made:
                raise
            ensure_dir(target.parent)  # OutputError if a file is in the way
            made = True
    raise FileExistsError(errno.EEXIST, "no free temporary file name")


def _open_for(target: Path, existing: int | None) -> tuple[int, str]:
    """The temporary file :func:`atomic_path` writes for ``target``, which exists with mode ``existing`` or not at all.

    It is made with the mode the output will have: a plain ``open(target, 'w')``'s, or the mode of
    the file it replaces.
    """
    if _current() is None:  # a session swept its folder when it began
        _remove_orphans(target)
    try:
        return _create_temporary(target, 0o666 if existing is None else stat.S_IMODE(existing))
    except OSError as exc:
        raise OutputError(
            f"cannot write to the folder {target.parent}: {_reason(exc)}; choose another output folder with -o"
        ) from exc


def _finish(tmp: str, target: Path, existing: int | None, *, force: bool) -> None:
    """Rename the written temporary file over ``target``: flushed first, or later with the session."""
    if existing is not None:  # the umask took bits off the mode it was made with
        os.chmod(tmp, stat.S_IMODE(existing))
    session = _current()
    if session is None:
        _fsync(tmp)
    if not force and os.path.exists(target):  # appeared while we were writing
        raise OverwriteError(f"{target} exists and may hold your edits; pass --force to replace it")
    os.replace(tmp, target)
    if session is not None:
        session.append(target)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds, rename it over ``path``.

    If the block raises (or the process dies), ``path`` is left as it was.
    Without ``force`` an existing ``path`` is refused with OverwriteError.
    """
    target = Path(path)
    existing = _writable_mode(target, force=force)
    if existing is not None and not stat.S_ISREG(existing):
        # a device or a pipe (-o /dev/stdout): write into it; renaming over it would replace the device
        try:
            yield target
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {_reason(exc)}") from exc
        return
    with _replacing(target, existing, force=force) as (fd, tmp):
        os.close(fd)
        yield Path(tmp)


@contextlib.contextmanager
def _replacing(target: Path, existing: int | None, *, force: bool) -> Iterator[tuple[int, str]]:
    """A new temporary file for ``target``, open for writing: (fd, path). The block owns the descriptor.

    When the block succeeds the file is renamed over ``target``; else it is removed and ``target``
    is left as it was. OSError becomes OutputError.
    """
    fd, tmp = _open_for(target, existing)
    replaced = False
    try:
        yield fd, tmp
        _finish(tmp, target, existing, force=force)
        replaced = True
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_reason(exc)}") from exc
    finally:
        if not replaced:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically.

    As :func:`atomic_path` does, straight through the temporary file's descriptor: a build
    writes hundreds of files, and each one's path objects and reopening cost more than its bytes.
    """
    target = Path(path)
    existing = _writable_mode(target, force=force)
    if existing is not None and not stat.S_ISREG(existing):
        with atomic_path(target, force=force) as device:
            device.write_bytes(data)
        return target
    with _replacing(target, existing, force=force) as (fd, _), open(fd, "wb", buffering=0) as out:  # closes fd
        view = memoryview(data)
        while view:
            view = view[out.write(view) :]
    return target


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = True, bom: bool = False) -> Path:
    """Write ``text`` as UTF-8 (optionally with a BOM) to ``path`` atomically."""
    return write_bytes(path, (("\ufeff" if bom else "") + text).encode("utf-8", "replace"), force=force)

"""Atomic writes: every output goes to a temporary file in its folder, then is renamed.

An interrupted build therefore leaves the previous output intact: the rename is
the only moment the output changes, and it either happens whole or not at all.
A temporary file orphaned by a killed process is removed by the next write of
the same output.

Each file is flushed to disk before its rename. A build writes hundreds of files;
inside :func:`build_session` the flushes are deferred and done together, many at
once, when the build ends (one disk flush costs milliseconds, hundreds run in
parallel in about the time of a few), and the output folder is swept for orphans
once, at the start, instead of at every write.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

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


def _new_file_mode(existing: int | None) -> int:
    """The mode a plain ``open(target, 'w')`` would give (mkstemp's files are private, 0600).

    ``existing``: the mode of the file already at the target, if any.
    """
    if existing is not None:
        return stat.S_IMODE(existing)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


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


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _flush(paths: Iterable[Path]) -> None:
    """fsync ``paths`` and their folders (which hold the renames), many at a time: fsync waits, not computes."""
    files = list(dict.fromkeys(paths))
    if not files:
        return
    folders = dict.fromkeys(p.parent for p in files) if os.name == "posix" else {}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(_FLUSH_THREADS, len(files))) as pool:
        list(pool.map(_fsync, files))
        list(pool.map(_fsync, folders))


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
    yielded list of the files it wrote to its parent, which flushes them with its own
    (:func:`flush_later`). Sessions do not nest: an inner one is the outer one.
    """
    global _session, _session_pid
    current = _current()
    if current is not None:
        yield current
        return
    if sweep is not None:
        _remove(path for orphans in _orphans(Path(sweep)).values() for path in orphans)
    written: list[Path] = []
    _session, _session_pid = written, os.getpid()
    try:
        yield written
    finally:
        _session = None
        if flush:
            _flush(written)


def flush_later(paths: Iterable[Path]) -> None:
    """Flush ``paths`` (written by another process) at the end of the current session, or now outside one."""
    session = _current()
    if session is None:
        _flush(paths)
    else:
        session.extend(paths)


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
    if not os.path.isdir(target.parent):  # most writes go to a folder that is there
        ensure_dir(target.parent)
    session = _current()
    if session is None:  # a session swept its folder when it began
        _remove_orphans(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=_TMP_SUFFIX, dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(
            f"cannot write to the folder {target.parent}: {_reason(exc)}; choose another output folder with -o"
        ) from exc
    tmp = Path(tmp_name)
    replaced = False
    try:
        yield tmp
        os.chmod(tmp, _new_file_mode(existing))
        if session is None:
            _fsync(tmp)
        if not force and target.exists():  # appeared while we were writing
            raise OverwriteError(f"{target} exists and may hold your edits; pass --force to replace it")
        os.replace(tmp, target)
        replaced = True
        if session is not None:
            session.append(target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_reason(exc)}") from exc
    finally:
        if not replaced:
            with contextlib.suppress(OSError):
                tmp.unlink()


def write_bytes(path: str | os.PathLike[str], data: bytes, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path, force=force) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = True, bom: bool = False) -> Path:
    """Write ``text`` as UTF-8 (optionally with a BOM) to ``path`` atomically."""
    return write_bytes(path, (("\ufeff" if bom else "") + text).encode("utf-8", "replace"), force=force)

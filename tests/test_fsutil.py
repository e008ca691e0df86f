"""Atomic writes: an output changes whole or not at all, and a person's file is not replaced without --force."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kaodian import fsutil
from kaodian.errors import OutputError, OverwriteError
from kaodian.fsutil import atomic_path, build_session, check_dir, check_writable, ensure_dir, write_bytes, write_text


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_text_writes_utf8_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = write_text(tmp_path / "sub" / "q.yaml", "考点: 1\n")
    assert out.read_bytes() == "考点: 1\n".encode()
    assert _leftovers(out.parent) == []


def test_write_text_with_bom(tmp_path: Path) -> None:
    out = write_text(tmp_path / "q.csv", "a,b\n", bom=True)
    assert out.read_bytes() == b"\xef\xbb\xbfa,b\n"


def test_failure_in_the_middle_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"previous deck")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half a dec")
        raise RuntimeError("exporter crashed")
    assert target.read_bytes() == b"previous deck"
    assert _leftovers(tmp_path) == []


def test_interrupt_in_the_middle_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"previous deck")
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"previous deck"
    assert _leftovers(tmp_path) == []


def test_existing_file_is_refused_without_force(tmp_path: Path) -> None:
    target = tmp_path / "questions.yaml"
    target.write_text("my edits")
    with pytest.raises(OverwriteError, match="--force"):
        write_text(target, "generated", force=False)
    assert target.read_text() == "my edits"
    write_text(target, "generated", force=True)
    assert target.read_text() == "generated"


def test_file_created_while_writing_is_not_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "questions.yaml"
    with pytest.raises(OverwriteError), atomic_path(target, force=False) as tmp:
        tmp.write_text("generated")
        target.write_text("written meanwhile")
    assert target.read_text() == "written meanwhile"
    assert _leftovers(tmp_path) == []


def test_a_folder_cannot_be_the_target(tmp_path: Path) -> None:
    (tmp_path / "out.yaml").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_text(tmp_path / "out.yaml", "x")
    with pytest.raises(OutputError, match="is a folder"):
        check_writable(tmp_path / "out.yaml", force=True)


def test_a_file_in_the_way_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "decks").write_text("not a folder")
    with pytest.raises(OutputError, match=r"decks is a file, not a folder; .* -o"):
        ensure_dir(tmp_path / "decks" / "sub")
    with pytest.raises(OutputError, match="is a file"):
        write_bytes(tmp_path / "decks" / "x.apkg", b"x")


def test_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsutil, "_create_temporary", refuse)
    with pytest.raises(OutputError, match=r"cannot write to the folder .*Permission denied; choose another"):
        write_text(tmp_path / "x.txt", "x")


def test_failing_rename_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"previous deck")

    def no_space(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", no_space)
    with pytest.raises(OutputError, match="No space left on device"):
        write_bytes(target, b"new deck")
    assert target.read_bytes() == b"previous deck"
    assert _leftovers(tmp_path) == []


def test_new_files_get_the_usual_mode_and_replaced_files_keep_theirs(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = write_text(tmp_path / "fresh.txt", "x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not a temporary file's private 0600
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o640)
        write_text(kept, "new")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(umask)


@pytest.mark.skipif(os.name != "posix", reason="orphans are recognised by process id on POSIX only")
def test_temporary_files_of_dead_writers_are_removed_by_the_next_write(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    orphan = tmp_path / f".deck.apkg.{dead_pid}.abc123.tmp"
    orphan.write_bytes(b"half a deck from a killed build")
    alive = tmp_path / f".deck.apkg.{os.getppid()}.def456.tmp"  # a writer that still runs
    alive.write_bytes(b"being written")
    other = tmp_path / f".other.apkg.{dead_pid}.abc123.tmp"  # another output's: not ours to judge now
    other.write_bytes(b"x")
    write_bytes(tmp_path / "deck.apkg", b"deck")
    assert not orphan.exists()
    assert alive.exists() and other.exists()


@pytest.mark.skipif(not Path(os.devnull).exists() or os.name != "posix", reason="needs /dev/null")
def test_a_device_is_written_into_not_replaced() -> None:
    write_text(os.devnull, "discarded", force=True)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device, not a regular file


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_gives_an_output_error() -> None:
    with pytest.raises(OutputError, match="cannot write /dev/full: No space left on device"):
        write_text("/dev/full", "x" * 100_000, force=True)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_check_dir_creates_nothing_and_finds_what_is_in_the_way(tmp_path: Path) -> None:
    assert check_dir(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "a").write_text("x")
    with pytest.raises(OutputError, match=r"a is a file, not a folder"):
        check_dir(tmp_path / "a" / "b")


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_build_session_flushes_every_file_and_folder_together_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[Path] = []
    monkeypatch.setattr(fsutil, "_fsync", lambda path: flushed.append(Path(path)))
    with fsutil.build_session():
        first = write_text(tmp_path / "a" / "one.txt", "1")
        second = write_bytes(tmp_path / "a" / "two.bin", b"2")
        third = write_text(tmp_path / "b" / "three.txt", "3")
        assert first.read_text() == "1" and third.read_text() == "3"  # in place at once, whole
        assert flushed == []  # the flushes wait for the end of the session
        with fsutil.build_session():  # sessions do not nest
            write_text(tmp_path / "a" / "one.txt", "1 again")
        assert flushed == []
    assert sorted(flushed) == sorted([first, second, third, tmp_path / "a", tmp_path / "b"])
    flushed.clear()
    write_text(tmp_path / "alone.txt", "x")  # outside a session: flushed before its rename
    assert len(flushed) == 1 and flushed[0].name.endswith(".tmp")


def test_a_failed_session_still_flushes_what_it_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flushed: list[Path] = []
    monkeypatch.setattr(fsutil, "_fsync", lambda path: flushed.append(Path(path)))
    with pytest.raises(RuntimeError), fsutil.build_session():
        write_text(tmp_path / "kept.txt", "written before the error")
        raise RuntimeError("a bug halfway")
    assert tmp_path / "kept.txt" in flushed


@pytest.mark.skipif(os.name != "posix", reason="orphans are recognised by process id on POSIX only")
def test_a_build_session_sweeps_its_folder_once_at_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = _dead_pid()
    orphans = [tmp_path / f".{name}.{dead}.k3j_9xq2.tmp" for name in ("a.apkg", "b.apkg", "b.quiz.html")]
    for path in orphans:
        path.write_bytes(b"left by a killed build")
    alive = tmp_path / f".a.apkg.{os.getppid()}.abcdefgh.tmp"
    alive.write_bytes(b"being written")
    mine = tmp_path / "notes.tmp"  # a person's file that only looks a little like ours
    mine.write_bytes(b"keep me")
    scans: list[Path] = []
    real = fsutil._orphans
    monkeypatch.setattr(fsutil, "_orphans", lambda folder: scans.append(folder) or real(folder))
    with fsutil.build_session(sweep=tmp_path):
        assert not any(p.exists() for p in orphans)  # before any write
        write_bytes(tmp_path / "a.apkg", b"a")
        write_text(tmp_path / "c.quiz.html", "c")
    assert scans == [tmp_path]  # once, not at every write
    assert alive.exists() and mine.exists()


def test_a_workers_files_are_flushed_in_the_background_and_their_folders_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[Path] = []
    file_flushed = threading.Event()

    def fsync(path: Path) -> None:
        flushed.append(Path(path))
        if Path(path).is_file():
            file_flushed.set()

    monkeypatch.setattr(fsutil, "_fsync", fsync)
    with fsutil.build_session(flush=False) as written:  # as a worker process does
        worker_file = write_text(tmp_path / "w" / "deck.apkg", "from a worker")
    assert written == [worker_file] and flushed == []
    with fsutil.build_session():
        fsutil.flush_later(written)
        assert file_flushed.wait(10)  # while the session goes on
        assert flushed == [worker_file]  # the folder waits for the session's end: it holds the renames
        own = write_text(tmp_path / "own.txt", "the parent's own file")
    assert flushed[0] == worker_file and sorted(flushed[1:]) == sorted([own, tmp_path, tmp_path / "w"])
    flushed.clear()
    fsutil.flush_later([worker_file])  # outside a session: at once
    assert sorted(flushed) == [tmp_path / "w", worker_file]


@pytest.mark.parametrize(
    ("name", "target"),
    [
        (".deck.apkg.123.abc123.tmp", "deck.apkg"),
        (".my.notes.quiz.html.77.k3j_9xq2.tmp", "my.notes.quiz.html"),
        (".deck.apkg.x12.abc.tmp", None),  # not a process id
        ("deck.apkg.123.abc.tmp", None),  # not hidden: not one of ours
        (".deck.apkg.123.tmp", None),  # no random part
    ],
)
def test_temporary_file_names_are_recognised_strictly(name: str, target: str | None) -> None:
    match = fsutil._TEMPORARY.fullmatch(name)
    assert (match["target"] if match else None) == target


def _written_in_a_session(folder: Path) -> list[str]:
    with build_session(flush=False) as written, atomic_path(folder / "child.txt") as tmp:
        tmp.write_text("from the child", encoding="utf-8")
    return [p.name for p in written]


@pytest.mark.skipif(sys.platform != "linux", reason="forks a process")
def test_a_process_forked_inside_a_session_has_its_own(tmp_path: Path) -> None:
    import multiprocessing

    with build_session(flush=False) as outer:
        outer.append(tmp_path / "parent.txt")
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.apply(_written_in_a_session, (tmp_path,)) == ["child.txt"]
        assert [p.name for p in outer] == ["parent.txt"]  # the child's write is its own to report

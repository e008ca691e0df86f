"""The library API: the pipeline from files to study sets, questions and outputs.

The CLI is a thin layer over these functions; they never print.
"""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import (
    InputError,
    KaodianError,
    MissingInputError,
    NoDocumentsError,
    OutputError,
    SchemaError,
    TooLargeError,
    UnsupportedFormatError,
)
from .model import CleanText, Document, Question, QuestionSet, StudySet
from .names import safe_name
from .options import AUTO_JOBS, BuildOptions, CleanOptions, GenerateOptions

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

#: The document formats kaodian reads.
DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
#: Study set and questions files.
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")
READABLE_SUFFIXES = DOCUMENT_SUFFIXES + STRUCTURED_SUFFIXES

Progress = Callable[[int, int, str], None]  # (done, total, current name)


@dataclass(frozen=True)
class Failure:
    """An input that could not be built, and why."""

    path: str
    error: KaodianError


@dataclass(frozen=True)
class BuildReport:
    outputs: tuple[Path, ...]
    failures: tuple[Failure, ...]
    skipped: tuple[str, ...]  # inputs that gave no questions (no deck is written): one warning each
    questions: int = 0
    inputs: int = 0  # input files after expanding folders
    warnings: tuple[str, ...] = ()  # the documents' soft problems (truncated, count mismatch), "path: message"

    @property
    def complete(self) -> bool:
        """Every input was built: none failed, none gave no questions."""
        return not self.failures and not self.skipped


# ---------------------------------------------------------------- inputs


def default_inputs() -> list[Path]:
    """The embedded default: ./data if it holds documents, else the samples shipped with kaodian."""
    candidates = [
        Path("data"),
        Path(str(importlib.resources.files("kaodian"))) / "data",  # installed from a wheel
        Path(__file__).resolve().parents[2] / "data",  # an editable install's checkout
    ]
    for folder in candidates:
        if folder.is_dir() and any(p.suffix.lower() in DOCUMENT_SUFFIXES for p in folder.iterdir()):
            return [folder]
    raise NoDocumentsError("no sample documents found; pass the documents to build, e.g. kaodian build notes.txt")


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the documents and YAML files directly inside each folder, sorted.

    Every path is checked before anything is built: a missing path or a folder
    without documents stops the run at once. A file given twice is kept once.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            try:
                entries = list(p.iterdir())
            except OSError as exc:
                raise MissingInputError(f"{p}: cannot read this folder ({exc.strerror or exc})") from exc
            found = sorted(
                c
                for c in entries
                if c.is_file() and not c.name.startswith(".") and c.suffix.lower() in READABLE_SUFFIXES
            )
            if not found:
                raise NoDocumentsError(
                    f"{p}: no documents in this folder (kaodian reads {', '.join(READABLE_SUFFIXES)})"
                )
            files = found
        else:
            files = [check_file(p)]
        for f in files:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def check_file(path: str | Path) -> Path:
    """``path`` if it is a regular file; MissingInputError or UnsupportedFormatError otherwise."""
    p = Path(path)
    if not p.exists():
        raise MissingInputError(f"{p}: no such file or folder; check the path")
    if p.is_dir():
        raise UnsupportedFormatError(f"{p} is a folder; give a document file")
    if not p.is_file():  # a device, a pipe or a socket: reading it may never end
        raise UnsupportedFormatError(f"{p} is not a regular file; save the document to a file first")
    return p


def check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file larger than ``max_bytes`` before reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MissingInputError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    if size > max_bytes:
        raise TooLargeError(
            f"{path} is {_megabytes(size)} MB, over the limit of {_megabytes(max_bytes)} MB; "
            "split it or raise the limit with --max-size"
        )


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 10 else f"{mb:.1f}".removesuffix(".0")


def is_structured(path: Path) -> bool:
    return path.suffix.lower() in STRUCTURED_SUFFIXES


def document_id(path: str | Path) -> str:
    """A document's id: a safe form of its file name, stable across runs."""
    return safe_name(Path(path).stem)


# ---------------------------------------------------------------- stages over files


def clean_file(path: str | Path, options: CleanOptions = CleanOptions()) -> CleanText:
    from .clean import clean_source
    from .sources import read_source

    check_size(check_file(path), options.max_bytes)
    return clean_source(read_source(path, encoding=options.encoding, max_bytes=options.max_bytes), options)


def extract_file(path: str | Path, options: CleanOptions = CleanOptions()) -> Document:
    """The Document of the file at ``path``; the caches of the previous document are emptied first (see memo)."""
    from .extract import extract
    from .memo import new_document

    new_document()
    doc = extract(clean_file(path, options), doc_id=document_id(path))
    return replace(doc, source=printable_path(doc.source))


def printable_path(path: str | Path) -> str:
    """``path`` as text that can be written anywhere: bytes of a file name that are not UTF-8 become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def _load_structured(path: Path, max_bytes: int) -> StudySet | QuestionSet:
    from .serialize import load_file

    check_size(check_file(path), max_bytes)
    return load_file(path)


def study_set(paths: Sequence[str | Path], options: CleanOptions = CleanOptions(), jobs: int = 1) -> StudySet:
    """Extract every document (and read every study set file) among ``paths``."""
    docs: list[Document] = []
    for unit in _units(expand_inputs(paths), options, jobs):
        if isinstance(unit, QuestionSet):
            raise SchemaError("a questions file was given; extract takes documents or study sets")
        docs.append(unit)
    return StudySet(documents=tuple(docs))


def generate_questions(doc: Document, options: GenerateOptions = GenerateOptions()) -> tuple[Question, ...]:
    from .questions import generate

    return generate(doc, options)


def question_set(
    paths: Sequence[str | Path],
    clean: CleanOptions = CleanOptions(),
    generate: GenerateOptions = GenerateOptions(),
    jobs: int = 1,
) -> QuestionSet:
    """Questions for every input: documents, study sets or questions files."""
    questions: list[Question] = []
    for unit in _units(expand_inputs(paths), clean, jobs):
        if isinstance(unit, QuestionSet):
            questions.extend(_filter_types(unit.questions, generate.types))
        else:
            questions.extend(generate_questions(unit, generate))
    return QuestionSet(questions=tuple(questions))


def _filter_types(questions: Iterable[Question], types: tuple[str, ...] | None) -> list[Question]:
    return [q for q in questions if types is None or q.type in types]


def _units(files: list[Path], clean: CleanOptions, jobs: int) -> list[Document | QuestionSet]:
    """Each input as a Document (documents, study set entries) or a QuestionSet (questions files)."""
    documents = [p for p in files if not is_structured(p)]
    extracted = dict(zip(documents, _map(extract_file, documents, clean, jobs), strict=True))
    units: list[Document | QuestionSet] = []
    for p in files:
        if p in extracted:
            units.append(extracted[p])
            continue
        loaded = _load_structured(p, clean.max_bytes)
        if isinstance(loaded, QuestionSet):
            units.append(loaded)
        else:
            units.extend(loaded.documents)
    return units


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the system has one)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # no affinity masks (macOS, Windows)
        return os.cpu_count() or 1


#: Below this much input, ``--jobs auto`` stays in one process: starting workers (each loads the
#: segmenter's dictionary) costs more than they save on a few small documents.
AUTO_MIN_BYTES = 128 * 1024


def worker_count(jobs: int, files: Sequence[Path]) -> int:
    """Processes to use for ``files``: ``jobs``, or for AUTO_JOBS one per usable CPU when the input is large enough.

    Never more processes than files; one file, or one process, means no pool at all.
    """
    if jobs == AUTO_JOBS:
        jobs = usable_cpus() if _total_bytes(files) >= AUTO_MIN_BYTES else 1
    return max(1, min(jobs, len(files)))


def _total_bytes(files: Sequence[Path]) -> int:
    return sum(map(_size, files))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # a missing file is reported when it is read
        return 0


def _map(
    fn: Callable[[Path, CleanOptions], Document], items: list[Path], options: CleanOptions, jobs: int
) -> list[Document]:
    workers = worker_count(jobs, items)
    if workers == 1:
        return [fn(p, options) for p in items]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(fn, items, [options] * len(items)))
    except BrokenProcessPool as exc:
        raise KaodianError(_WORKER_DIED) from exc


_WORKER_DIED = "a worker process died (out of memory?) while reading the inputs; run with -j 1 to find the document"


# ---------------------------------------------------------------- build


def _unexpected(path: Path, exc: Exception) -> KaodianError:
    """A bug (or an unforeseen input) met while building ``path``, as a failure of that input only."""
    import traceback

    detail = "".join(traceback.format_exception(exc)).rstrip()
    if isinstance(exc, MemoryError):
        return KaodianError(f"{path}: out of memory; split the document or lower --max-size", detail)
    what = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "no message"
    return KaodianError(
        f"{path}: unexpected {type(exc).__name__} ({what}); please report it with the output of --debug", detail
    )


@dataclass(frozen=True)
class _Deck:
    """What one input gives: an output name (made unique later, in input order), its questions, its warnings."""

    name: str
    questions: tuple[Question, ...]
    warnings: tuple[str, ...] = ()


def _warnings(where: str, doc: Document) -> tuple[str, ...]:
    return tuple(f"{where}: {w.message}" for w in doc.warnings)


def _structured_decks(path: Path, options: BuildOptions) -> list[_Deck]:
    """The decks a study set or questions file gives: one per document it holds."""
    loaded = _load_structured(path, options.clean.max_bytes)
    if isinstance(loaded, QuestionSet):
        groups = loaded.by_document()
        picked = {k: tuple(_filter_types(v, options.generate.types)) for k, v in groups.items()}
        if len(picked) <= 1:
            return [_Deck(safe_name(path.stem), next(iter(picked.values()), ()))]
        return [_Deck(safe_name(k), v) for k, v in picked.items()]
    if not loaded.documents:
        return [_Deck(safe_name(path.stem), ())]
    return [
        _Deck(safe_name(d.id), generate_questions(d, options.generate), _warnings(f"{path} ({d.id})", d))
        for d in loaded.documents
    ]


def _as_failure(path: Path, exc: Exception) -> Failure:
    """One input's error as a Failure, so the other inputs are still built; output errors stop the build."""
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, (OutputError, BrokenProcessPool)):
        raise exc
    if isinstance(exc, KaodianError):
        return Failure(str(path), exc)
    return Failure(str(path), _unexpected(path, exc))


def _no_questions(path: Path, name: str, several: bool, options: BuildOptions) -> str:
    what = f"{path} (document {name})" if several else str(path)
    types = options.generate.types
    kinds = f" of the types {','.join(types)}" if types else ""
    return f"{what}: no questions{kinds} could be made from it; no deck written"


@dataclass(frozen=True)
class _Built:
    """What building one input gave. Small: a worker process sends it back instead of the questions."""

    outputs: tuple[Path, ...] = ()
    failures: tuple[Failure, ...] = ()
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    questions: int = 0
    written: tuple[Path, ...] = ()  # files a worker wrote, for the build to flush to disk with its own


@dataclass
class _Writer:
    """Where one deck's outputs go: the options, and in a one-process build the PDF worker and its futures."""

    options: BuildOptions
    pdf_worker: ProcessPoolExecutor | None = None
    pending: list[tuple[Path, Future[list[Path]]]] = field(default_factory=list)

    def deck(self, path: Path, name: str, deck: _Deck, several: bool = False) -> _Built:
        """Write every format of ``deck`` as ``name``; a deck without questions is skipped, not written."""
        if not deck.questions:
            return _Built(skipped=(_no_questions(path, deck.name, several, self.options),), warnings=deck.warnings)
        outputs: list[Path] = []
        failure = _write_outputs(path, name, deck.questions, self.options, outputs, self.pdf_worker, self.pending)
        if failure is not None:
            return _Built(tuple(outputs), (failure,), warnings=deck.warnings)
        return _Built(tuple(outputs), warnings=deck.warnings, questions=len(deck.questions))


def _build_document(path: Path, name: str, writer: _Writer) -> _Built:
    """Read, extract, generate and write one document under its output ``name``."""
    try:
        doc = extract_file(path, writer.options.clean)
        deck = _Deck(safe_name(path.stem), generate_questions(doc, writer.options.generate), _warnings(str(path), doc))
    except Exception as exc:
        return _Built(failures=(_as_failure(path, exc),))
    return writer.deck(path, name, deck)


def _build_document_in_worker(path: Path, name: str, options: BuildOptions) -> _Built:
    """:func:`_build_document` in a worker process: the parent flushes what it wrote, at the end of the build."""
    from .fsutil import build_session

    with build_session(flush=False) as written:
        built = _build_document(path, name, _Writer(options))
    return replace(built, written=tuple(written))


def _build_structured(path: Path, writer: _Writer, taken: set[str]) -> list[_Built]:
    """Generate and write the decks of a study set or questions file, naming them as they come."""
    from .names import unique_name

    try:
        decks = _structured_decks(path, writer.options)
    except Exception as exc:
        return [_Built(failures=(_as_failure(path, exc),))]
    built: list[_Built] = []
    for deck in decks:
        name = unique_name(deck.name, taken) if deck.questions else deck.name
        built.append(writer.deck(path, name, deck, several=len(decks) > 1))
        if built[-1].failures:
            break
    return built


def build(
    paths: Sequence[str | Path], options: BuildOptions = BuildOptions(), progress: Progress | None = None
) -> BuildReport:
    """Build every format in ``options.formats`` for every input; one bad input does not stop the rest.

    Inputs that cannot be read are reported in ``failures``, inputs that give no
    questions in ``skipped`` (no empty deck is written). Output names are unique
    within a build (``name-2`` …), so two inputs never overwrite each other's deck:
    each document's name is taken, in input order, before any work, so the names
    are the same whatever ``jobs`` is; a study set's decks are named as they come.
    With several processes each document is read, generated and written by a
    worker, which sends back only what it wrote. An output folder that cannot be
    written raises OutputError at once.
    """
    from concurrent.futures.process import BrokenProcessPool

    from .export import FORMATS
    from .fsutil import build_session, check_dir, flush_later
    from .names import unique_name

    if not options.formats:
        raise InputError(f"no output format given; use one or more of {', '.join(FORMATS)}")
    for fmt in options.formats:  # an unknown format fails before any work
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    files = expand_inputs(paths)
    check_dir(options.output_dir)  # created with the first output: a build that writes nothing leaves no folder
    taken: set[str] = set()
    names = {p: unique_name(safe_name(p.stem), taken) for p in files if not is_structured(p)}
    workers = worker_count(options.jobs, list(names))
    pool = None
    writer = _Writer(options, _pdf_worker() if "pdf" in options.formats and workers == 1 else None)
    built: Iterator[_Built]
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=workers)
        built = _in_workers(pool, names, replace(options, jobs=1))
    else:
        built = (_build_document(p, name, writer) for p, name in names.items())
    report = _Report()
    try:
        with build_session(sweep=options.output_dir):  # outputs flushed to disk together at the end
            if progress and files:
                progress(0, len(files), files[0].name)
            for done, path in enumerate(files, start=1):
                for one in [next(built)] if path in names else _build_structured(path, writer, taken):
                    flush_later(one.written)
                    report.add(one)
                if progress:  # the input now being worked on (the last one when all are done)
                    progress(done, len(files), files[min(done, len(files) - 1)].name)
            for path, future in writer.pending:
                failure = _collect(path, future, report.outputs)
                if failure is not None:
                    report.failures.append(failure)
    except BrokenProcessPool as exc:
        raise KaodianError(_WORKER_DIED) from exc
    finally:
        for executor in (pool, writer.pdf_worker):
            if executor is not None:
                executor.shutdown(cancel_futures=True)
    return report.final(len(files))


def _in_workers(pool: ProcessPoolExecutor, names: dict[Path, str], options: BuildOptions) -> Iterator[_Built]:
    """Each document built by the pool, in input order; the largest start first, so no long one is left to the end.

    Every document is submitted now, before the caller opens its build session.
    """
    futures = {
        path: pool.submit(_build_document_in_worker, path, names[path], options)
        for path in sorted(names, key=_size, reverse=True)
    }
    return (futures.pop(path).result() for path in names)


@dataclass
class _Report:
    """A build's results as they come in."""

    outputs: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    questions: int = 0

    def add(self, built: _Built) -> None:
        self.outputs.extend(built.outputs)
        self.failures.extend(built.failures)
        self.skipped.extend(built.skipped)
        self.warnings.extend(built.warnings)
        self.questions += built.questions

    def final(self, inputs: int) -> BuildReport:
        return BuildReport(
            tuple(self.outputs),
            tuple(self.failures),
            tuple(self.skipped),
            self.questions,
            inputs,
            tuple(self.warnings),
        )


def _write_outputs(
    path: Path,
    name: str,
    questions: tuple[Question, ...],
    options: BuildOptions,
    outputs: list[Path],
    pdf_worker: ProcessPoolExecutor | None = None,
    pending: list[tuple[Path, Future[list[Path]]]] | None = None,
) -> Failure | None:
    """Write every format of one deck, appending to ``outputs``; a Failure if an exporter refuses the input.

    With a ``pdf_worker`` the PDF is handed to it first, so that it renders while this process
    writes the other formats, and its future is appended to ``pending``.
    """
    from .export import write_format

    formats = options.formats
    try:
        if "pdf" in formats and pdf_worker is not None and pending is not None:
            future = pdf_worker.submit(write_format, "pdf", questions, options.output_dir, name, options)
            pending.append((path, future))
            formats = tuple(fmt for fmt in formats if fmt != "pdf")
        for fmt in formats:
            outputs.extend(write_format(fmt, questions, options.output_dir, name, options))
    except Exception as exc:
        return _as_failure(path, exc)
    return None


def _collect(path: Path, future: Future[list[Path]], outputs: list[Path]) -> Failure | None:
    """Wait for a PDF handed to the worker; a Failure as ``_write_outputs`` would give."""
    try:
        outputs.extend(future.result())
    except Exception as exc:
        return _as_failure(path, exc)
    return None


def _warm_pdf() -> None:
    from contextlib import suppress

    with suppress(Exception):  # only a head start: the real work reports its own errors
        from .export.quiz_pdf import warm_up

        warm_up()


def _pdf_worker() -> ProcessPoolExecutor:
    """A process that renders the PDFs on the second core while this one reads and extracts.

    Importing fpdf2 and loading a CJK font is most of a PDF's cost; the worker does it at once,
    so a one-document build with a PDF takes little longer than one without.
    """
    from concurrent.futures import ProcessPoolExecutor

    worker = ProcessPoolExecutor(max_workers=1, initializer=_warm_pdf)
    worker.submit(int)  # workers start on the first task: start this one (and its warm-up) now
    return worker

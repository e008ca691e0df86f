"""The library API: the pipeline from files to study sets, questions and outputs.

The CLI is a thin layer over these functions; they never print.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError, KaodianError, MissingInputError, NoDocumentsError, SchemaError
from .model import CleanText, Document, Question, QuestionSet, StudySet
from .names import safe_name
from .options import BuildOptions, CleanOptions, GenerateOptions

#: The document formats kaodian reads.
DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
#: Study set and questions files.
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")

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
    skipped: tuple[str, ...]  # inputs that gave no questions (no deck is written)
    questions: int = 0


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
    """Files as given, and the documents and YAML files directly inside each folder, sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                c
                for c in p.iterdir()
                if c.is_file() and not c.name.startswith(".") and c.suffix.lower() in DOCUMENT_SUFFIXES + STRUCTURED_SUFFIXES
            )
            if not found:
                raise NoDocumentsError(
                    f"{p}: no documents in this folder (kaodian reads {', '.join(DOCUMENT_SUFFIXES)})"
                )
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise MissingInputError(f"{p}: no such file or folder")
    return out


def is_structured(path: Path) -> bool:
    return path.suffix.lower() in STRUCTURED_SUFFIXES


def document_id(path: str | Path) -> str:
    """A document's id: a safe form of its file name, stable across runs."""
    return safe_name(Path(path).stem)


# ---------------------------------------------------------------- stages over files


def clean_file(path: str | Path, options: CleanOptions = CleanOptions()) -> CleanText:
    from .clean import clean_source
    from .sources import read_source

    return clean_source(read_source(path, encoding=options.encoding, max_bytes=options.max_bytes), options)


def extract_file(path: str | Path, options: CleanOptions = CleanOptions()) -> Document:
    from .extract import extract

    return extract(clean_file(path, options), doc_id=document_id(path))


def _load_structured(path: Path) -> StudySet | QuestionSet:
    from .serialize import load_file

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
        loaded = _load_structured(p)
        if isinstance(loaded, QuestionSet):
            units.append(loaded)
        else:
            units.extend(loaded.documents)
    return units


def _map(fn: Callable[[Path, CleanOptions], Document], items: list[Path], options: CleanOptions, jobs: int) -> list[Document]:
    if jobs <= 1 or len(items) <= 1:
        return [fn(p, options) for p in items]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(fn, items, [options] * len(items)))


# ---------------------------------------------------------------- build


def _build_one(name: str, questions: tuple[Question, ...], options: BuildOptions) -> list[Path]:
    from .export import write_format

    outputs: list[Path] = []
    for fmt in options.formats:
        outputs.extend(write_format(fmt, questions, options.output_dir, name, options))
    return outputs


def _build_inputs(path: Path, options: BuildOptions) -> list[tuple[str, tuple[Question, ...]]]:
    """(output name, questions) for one input file."""
    if not is_structured(path):
        doc = extract_file(path, options.clean)
        return [(safe_name(path.stem), generate_questions(doc, options.generate))]
    loaded = _load_structured(path)
    if isinstance(loaded, QuestionSet):
        groups = loaded.by_document()
        picked = {k: tuple(_filter_types(v, options.generate.types)) for k, v in groups.items()}
        if len(picked) == 1:
            return [(safe_name(path.stem), next(iter(picked.values())))]
        return [(safe_name(k), v) for k, v in picked.items()]
    return [(safe_name(d.id), generate_questions(d, options.generate)) for d in loaded.documents]


def _build_path(path: Path, options: BuildOptions) -> tuple[list[Path], list[str], Failure | None, int]:
    try:
        outputs: list[Path] = []
        skipped: list[str] = []
        count = 0
        for name, questions in _build_inputs(path, options):
            if not questions:
                skipped.append(f"{path}: no questions could be made from {name}; no deck written")
                continue
            count += len(questions)
            outputs.extend(_build_one(name, questions, options))
        return outputs, skipped, None, count
    except InputError as exc:
        return [], [], Failure(str(path), exc), 0


def build(paths: Sequence[str | Path], options: BuildOptions = BuildOptions(), progress: Progress | None = None) -> BuildReport:
    """Build every format in ``options.formats`` for every input; one bad input does not stop the rest."""
    files = expand_inputs(paths)
    outputs: list[Path] = []
    failures: list[Failure] = []
    skipped: list[str] = []
    total_questions = 0
    results: Iterable[tuple[list[Path], list[str], Failure | None, int]]
    if options.jobs > 1 and len(files) > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=options.jobs)
        results = pool.map(_build_path, files, [replace(options, jobs=1)] * len(files))
    else:
        pool = None
        results = (_build_path(p, options) for p in files)
    try:
        for done, (path, (outs, skips, failure, count)) in enumerate(zip(files, results, strict=True), start=1):
            outputs.extend(outs)
            skipped.extend(skips)
            total_questions += count
            if failure:
                failures.append(failure)
            if progress:
                progress(done, len(files), path.name)
    finally:
        if pool is not None:
            pool.shutdown()
    return BuildReport(tuple(outputs), tuple(failures), tuple(skipped), total_questions)

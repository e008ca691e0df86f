"""The command line: a thin click layer over :mod:`kaodian.pipeline`.

Exit status: 0 success, 1 failure (including some inputs that failed), 2 bad usage or input.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from .errors import InputError, KaodianError, OutputError
from .options import DEFAULT_MAX_BYTES, BuildOptions, CleanOptions, GenerateOptions, QuizOptions

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    verbose: bool = False
    debug: bool = False
    quiet: bool = False


def _fail(exc: BaseException) -> NoReturn:
    """Turn an exception into one line on stderr and the documented exit status."""
    state: State = click.get_current_context().find_object(State) or State()
    if state.debug:
        traceback.print_exception(exc)
    if isinstance(exc, KaodianError):
        click.echo(f"kaodian: error: {exc.message}", err=True)
        if state.verbose and exc.detail:
            click.echo(exc.detail, err=True)
        sys.exit(exc.exit_code)
    if isinstance(exc, MemoryError):
        click.echo("kaodian: error: out of memory; lower --max-size or split the input", err=True)
        sys.exit(1)
    click.echo(f"kaodian: error: unexpected {type(exc).__name__}: {exc}; run with --debug for details", err=True)
    if state.verbose and not state.debug:
        traceback.print_exception(exc)
    sys.exit(1)


def guarded(fn: F) -> F:
    """Run a command body, mapping every error to a one-line message."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("kaodian: interrupted; outputs already written are complete, the rest were not started", err=True)
            sys.exit(130)
        except BaseException as exc:  # noqa: BLE001 - every error becomes one line
            _fail(exc)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper  # type: ignore[return-value]


def _write_or_print(text: str, output: str | None, force: bool) -> None:
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from .fsutil import write_text

    write_text(output, text, force=force)


def _parse_types(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    from .errors import UnknownQuestionTypeError
    from .model import QUESTION_TYPES

    types = tuple(t.strip() for t in value.split(",") if t.strip())
    for t in types:
        if t not in QUESTION_TYPES:
            raise UnknownQuestionTypeError(f"unknown question type {t!r}; use one of {', '.join(QUESTION_TYPES)}")
    return types


def _parse_per_type(value: str | None) -> tuple[tuple[str, int], ...]:
    if not value:
        return ()
    out = []
    for part in value.split(","):
        name, _, num = part.partition("=")
        _parse_types(name.strip())
        if not num.strip().isdigit():
            raise InputError(f"--per-type expects TYPE=N pairs such as cloze=10,single=5, not {part!r}")
        out.append((name.strip(), int(num)))
    return tuple(out)


def _parse_formats(value: str) -> tuple[str, ...]:
    from .export import FORMATS

    formats = tuple(f.strip() for f in value.split(",") if f.strip())
    for f in formats:
        if f not in FORMATS:
            raise InputError(f"unknown format {f!r}; use one of {', '.join(FORMATS)}")
    return formats


def clean_options(f: F) -> F:
    f = click.option("--encoding", metavar="NAME", help="Read text files in this encoding instead of detecting it (e.g. gbk).")(f)
    f = click.option(
        "--max-size",
        type=int,
        default=DEFAULT_MAX_BYTES // (1024 * 1024),
        show_default=True,
        metavar="MB",
        help="Refuse inputs larger than this many megabytes.",
    )(f)
    return f


def generate_options(f: F) -> F:
    f = click.option("--types", metavar="T,T", help="Only these question types (cloze,single,multiple,truefalse,quote,order,list,short).")(f)
    f = click.option("--seed", type=int, default=0, show_default=True, help="Seed for choices and shuffling.")(f)
    f = click.option(
        "--templates",
        "templates_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="A folder of YAML templates that add to or replace the built-in ones by name.",
    )(f)
    return f


def _clean_opts(encoding: str | None, max_size: int, keep_boilerplate: bool = False) -> CleanOptions:
    return CleanOptions(keep_boilerplate=keep_boilerplate, encoding=encoding, max_bytes=max_size * 1024 * 1024)


def _gen_opts(types: str | None, seed: int, templates_dir: Path | None) -> GenerateOptions:
    return GenerateOptions(types=_parse_types(types), seed=seed, templates_dir=templates_dir)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="kaodian")
@click.option("-v", "--verbose", is_flag=True, help="Show details of errors and warnings.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors; no progress bar.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool, debug: bool) -> None:
    """kaodian (考点): turn study documents into Anki decks and printable quizzes.

    \b
    The pipeline, one verb a stage (each stage's output is readable by the next):
      kaodian clean FILE          cleaned text, one paragraph a line
      kaodian extract FILE...     the study set: outline, claims, terms (YAML)
      kaodian generate INPUT...   the questions (YAML)
      kaodian build [INPUT...]    Anki decks and printable quizzes in decks/
      kaodian quiz INPUT...       a printable exam paper (HTML, PDF, Markdown)
      kaodian export INPUT...     question-bank text, GIFT, QTI, CSV, Markdown

    With no INPUT, `kaodian build` builds the sample documents in data/.
    """
    state = ctx.ensure_object(State)
    state.verbose, state.quiet, state.debug = verbose, quiet, debug


@main.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path))
@clean_options
@click.option("--keep-boilerplate", is_flag=True, help="Keep site boilerplate (disclaimers, related-document lists, ...).")
@click.option("--report", is_flag=True, help="List on stderr every line dropped and why.")
@guarded
def clean(file: Path, encoding: str | None, max_size: int, keep_boilerplate: bool, report: bool) -> None:
    """Print the cleaned study text of FILE, one paragraph a line.

    Reads .txt .md .html .docx .pdf, detects the encoding, removes site
    boilerplate and repairs line-wrap character doubling.

    \b
    Example:
      kaodian clean data/scraped-sample.txt --report
    """
    from .pipeline import clean_file

    text = clean_file(file, _clean_opts(encoding, max_size, keep_boilerplate))
    for line in text.lines():
        click.echo(line)
    if report:
        for d in text.dropped:
            click.echo(f"dropped ({d.reason}): {d.text}", err=True)
    for n in text.notices:
        click.echo(f"kaodian: warning: {file}: {n.message}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@clean_options
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("-o", "--output", metavar="PATH", help="Write to PATH instead of stdout.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True, help="Processes to use.")
@guarded
def extract(files: tuple[Path, ...], encoding: str | None, max_size: int, fmt: str, output: str | None, force: bool, jobs: int) -> None:
    """Write the study set of FILES: outline points, key claims, terms, warnings.

    \b
    Example:
      kaodian extract data/dangqun-guanxi.txt -o study.yaml
    """
    from .pipeline import study_set
    from .serialize import dumps, study_set_to_dict

    study = study_set(files, _clean_opts(encoding, max_size), jobs=jobs)
    _write_or_print(dumps(study_set_to_dict(study), fmt), output, force)
    _echo_warnings(w.message for d in study.documents for w in d.warnings)


def _echo_warnings(messages: Any) -> None:
    state: State = click.get_current_context().find_object(State) or State()
    if state.quiet:
        return
    for m in messages:
        click.echo(f"kaodian: warning: {m}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@clean_options
@generate_options
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("-o", "--output", metavar="PATH", help="Write to PATH instead of stdout.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@guarded
def generate(
    inputs: tuple[Path, ...],
    encoding: str | None,
    max_size: int,
    types: str | None,
    seed: int,
    templates_dir: Path | None,
    fmt: str,
    output: str | None,
    force: bool,
) -> None:
    """Write the questions for INPUTS (documents or study sets).

    \b
    Example:
      kaodian generate study.yaml --types cloze,single -o questions.yaml
    """
    from .pipeline import question_set
    from .serialize import dumps, question_set_to_dict

    qs = question_set(inputs, _clean_opts(encoding, max_size), _gen_opts(types, seed, templates_dir))
    _write_or_print(dumps(question_set_to_dict(qs), fmt), output, force)


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("decks"), show_default=True)
@click.option("--formats", default="apkg,quiz", show_default=True, help="Outputs per input: apkg,quiz,pdf,tsv,csv,md,tiku,gift,qti.")
@click.option("--deck-name", metavar="NAME", help="Deck name (default: the document title); '::' makes subdecks.")
@clean_options
@generate_options
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True, help="Processes to use.")
@click.pass_context
@guarded
def build(
    ctx: click.Context,
    inputs: tuple[Path, ...],
    output_dir: Path,
    formats: str,
    deck_name: str | None,
    encoding: str | None,
    max_size: int,
    types: str | None,
    seed: int,
    templates_dir: Path | None,
    jobs: int,
) -> None:
    """Build an Anki deck and a printable quiz for each input into decks/.

    INPUTS may be documents, folders, study sets or questions files. With no
    INPUTS, the sample documents in data/ are built.

    \b
    Example:
      kaodian build data/ -o decks --formats apkg,quiz,pdf
    """
    from .options import AnkiOptions
    from .pipeline import build as run_build
    from .pipeline import default_inputs

    state: State = ctx.find_object(State) or State()
    gen = _gen_opts(types, seed, templates_dir)
    options = BuildOptions(
        output_dir=output_dir,
        formats=_parse_formats(formats),
        jobs=jobs,
        clean=_clean_opts(encoding, max_size),
        generate=gen,
        anki=AnkiOptions(deck_name=deck_name),
        quiz=QuizOptions(seed=seed, types=gen.types),
    )
    paths: Sequence[Path] = inputs or default_inputs()
    progress = None if state.quiet or not sys.stderr.isatty() else _progress_bar()
    report = run_build(paths, options, progress=progress)
    if progress is not None:
        click.echo("", err=True)
    if not state.quiet:
        for out in report.outputs:
            click.echo(f"wrote {out}")
    _echo_warnings(report.skipped)
    for f in report.failures:
        click.echo(f"kaodian: error: {f.error.message}", err=True)
    if report.failures:
        built = len(report.outputs)
        click.echo(f"kaodian: {len(report.failures)} input(s) failed; {built} file(s) written", err=True)
        sys.exit(1)
    if not report.outputs:
        raise OutputError("no questions could be made from any input; nothing written")


def _progress_bar() -> Callable[[int, int, str], None]:
    def show(done: int, total: int, name: str) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {done}/{total} {name[:40]:<40}", err=True, nl=False)

    return show


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", metavar="PATH", help="Output file (default: quiz.<format> in the current folder).")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "md"]), default="html", show_default=True)
@click.option("--count", type=click.IntRange(1), help="At most N questions in all.")
@click.option("--per-type", metavar="T=N,...", help="Questions per type, e.g. cloze=10,single=5.")
@click.option("--versions", type=click.IntRange(1, 26), default=1, show_default=True, help="Papers A卷, B卷, ... shuffled from --seed.")
@click.option("--title", help="Title printed on the paper.")
@click.option("--no-key", is_flag=True, help="Leave out the answer key.")
@click.option("--key-only", is_flag=True, help="Write only the answer key.")
@clean_options
@generate_options
@guarded
def quiz(
    inputs: tuple[Path, ...],
    output: str | None,
    fmt: str,
    count: int | None,
    per_type: str | None,
    versions: int,
    title: str | None,
    no_key: bool,
    key_only: bool,
    encoding: str | None,
    max_size: int,
    types: str | None,
    seed: int,
    templates_dir: Path | None,
) -> None:
    """Write a printable exam paper (试卷) with an answer key for INPUTS.

    \b
    Example:
      kaodian quiz data/dangqun-guanxi.txt --format pdf --versions 2 --seed 7
    """
    from .export.quiz import write_quiz
    from .pipeline import question_set

    gen = _gen_opts(types, seed, templates_dir)
    qs = question_set(inputs, _clean_opts(encoding, max_size), gen)
    options = QuizOptions(
        format=fmt,
        count=count,
        per_type=_parse_per_type(per_type),
        types=gen.types,
        versions=versions,
        seed=seed,
        title=title,
        key=not no_key,
        key_only=key_only,
    )
    path = Path(output) if output else Path(f"quiz.{fmt}")
    for written in write_quiz(qs.questions, path, options):
        click.echo(f"wrote {written}")


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "fmt", required=True, type=click.Choice(["tiku", "gift", "qti", "csv", "md", "tsv"]), help="The format to write.")
@click.option("-o", "--output", metavar="PATH", help="Output file (default: questions.<suffix> in the current folder).")
@clean_options
@generate_options
@guarded
def export(
    inputs: tuple[Path, ...],
    fmt: str,
    output: str | None,
    encoding: str | None,
    max_size: int,
    types: str | None,
    seed: int,
    templates_dir: Path | None,
) -> None:
    """Export the questions of INPUTS for question-bank apps, Moodle, Canvas or spreadsheets.

    \b
    Example:
      kaodian export questions.yaml --to gift -o quiz.gift.txt
    """
    from .export import FORMATS, writer
    from .pipeline import question_set

    gen = _gen_opts(types, seed, templates_dir)
    qs = question_set(inputs, _clean_opts(encoding, max_size), gen)
    path = Path(output) if output else Path("questions" + FORMATS[fmt][0])
    for written in writer(fmt)(qs.questions, path, BuildOptions(generate=gen)):
        click.echo(f"wrote {written}")

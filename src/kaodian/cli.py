"""The command line: a thin click layer over :mod:`kaodian.pipeline`.

Exit status: 0 success; 2 bad usage or input (nothing could be done with what
was given); 1 any other failure, including a build where some inputs failed
or gave no questions while others were built. Every error is one line on
stderr, ``kaodian: error: <what is wrong and what to do>``; ``-v`` adds
details and ``--debug`` the traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from .errors import InputError, KaodianError
from .options import AUTO_JOBS, DEFAULT_MAX_BYTES, BuildOptions, CleanOptions, GenerateOptions, QuizOptions

if TYPE_CHECKING:
    from .pipeline import BuildReport

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    verbose: bool = False
    debug: bool = False
    quiet: bool = False


def _state() -> State:
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(State) if ctx is not None else None
    return found or State()


def one_line(text: str) -> str:
    """``text`` on one line: an error message must not spill over several."""
    return " ".join(text.split()) or "(no message)"


def _error(message: str) -> None:
    click.echo(f"kaodian: error: {one_line(message)}", err=True)


def _show_error(exc: KaodianError, state: State, where: str = "") -> None:
    """One line for ``exc`` (naming ``where`` unless it already does); details with -v, traceback with --debug."""
    if state.debug and exc.__traceback__ is not None:
        traceback.print_exception(exc)
    named = not where or where in exc.message or Path(where).name in exc.message
    _error(exc.message if named else f"{where}: {exc.message}")
    if not (state.verbose or state.debug):
        return
    if exc.detail:
        click.echo(exc.detail, err=True)
    elif exc.__cause__ is not None and not state.debug:  # what the library underneath said
        click.echo(f"  caused by {type(exc.__cause__).__name__}: {one_line(str(exc.__cause__))}", err=True)


def _fail(exc: BaseException) -> NoReturn:
    """Turn an exception into one line on stderr and the documented exit status."""
    state = _state()
    if isinstance(exc, KaodianError):
        _show_error(exc, state)
        sys.exit(exc.exit_code)
    if state.debug:
        traceback.print_exception(exc)
    if isinstance(exc, MemoryError):
        _error("out of memory; lower --max-size or split the input")
        sys.exit(1)
    if isinstance(exc, OSError) and exc.strerror:  # e.g. stdout on a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror}; check the disk and the paths (--debug shows where it happened)")
        sys.exit(1)
    what = one_line(str(exc))[:200] if str(exc).strip() else "no message"
    _error(f"unexpected {type(exc).__name__} ({what}); this is a bug: please report it with the output of --debug")
    if state.verbose and not state.debug:
        traceback.print_exception(exc)
    sys.exit(1)


def _quiet_broken_pipe() -> NoReturn:
    """The reader of stdout went away (``kaodian clean x | head``): stop without a message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests): nothing more will be written to it anyway
    sys.exit(1)


def guarded(fn: F) -> F:
    """Run a command body, mapping every error to a one-line message."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(
                "kaodian: interrupted; the outputs written so far are complete, the rest were not written", err=True
            )
            sys.exit(130)
        except BrokenPipeError:
            _quiet_broken_pipe()
        except BaseException as exc:  # every error becomes one line
            _fail(exc)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper  # type: ignore[return-value]


def _check_output(output: str | None, force: bool) -> None:
    """Refuse an existing ``-o`` file before the work, not after it."""
    if output is not None and output != "-":
        from .fsutil import check_writable

        check_writable(output, force=force)


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
    from .model import QUESTION_TYPES, TYPE_ALIASES

    types = tuple(TYPE_ALIASES.get(t.strip(), t.strip()) for t in value.split(",") if t.strip())
    for t in types:
        if t not in QUESTION_TYPES:
            raise UnknownQuestionTypeError(f"unknown question type {t!r}; use one of {', '.join(QUESTION_TYPES)}")
    if not types:
        raise UnknownQuestionTypeError(f"no question type given; use one or more of {', '.join(QUESTION_TYPES)}")
    return types


def _parse_per_type(value: str | None) -> tuple[tuple[str, int], ...]:
    if not value:
        return ()
    out = []
    for part in value.split(","):
        name, _, num = part.partition("=")
        [qtype] = _parse_types(name.strip()) or ("",)
        if not num.strip().isdigit():
            raise InputError(f"--per-type expects TYPE=N pairs such as cloze=10,single=5, not {part!r}")
        out.append((qtype, int(num)))
    return tuple(out)


def _parse_formats(value: str) -> tuple[str, ...]:
    from .export import FORMATS

    formats = tuple(f.strip() for f in value.split(",") if f.strip())
    for f in formats:
        if f not in FORMATS:
            raise InputError(f"unknown format {f!r}; use one of {', '.join(FORMATS)}")
    return formats


def _jobs(ctx: click.Context, param: click.Parameter, value: str | int) -> int:
    """``--jobs``: a number of processes, or ``auto`` for one per usable CPU."""
    text = str(value).strip().lower()
    if text == "auto":
        return AUTO_JOBS
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise click.BadParameter(f"{value!r} is not a number of processes (1 or more) or 'auto'", ctx, param)


def jobs_option(f: F) -> F:
    return click.option(
        "-j",
        "--jobs",
        metavar="N|auto",
        default="auto",
        callback=_jobs,
        show_default=True,
        help="Processes to use: a number, or auto for one per CPU (with several documents, 128 KB or more).",
    )(f)


def clean_options(f: F) -> F:
    f = click.option(
        "--encoding", metavar="NAME", help="Read text files in this encoding instead of detecting it (e.g. gbk)."
    )(f)
    f = click.option(
        "--max-size",
        type=click.IntRange(1),
        default=DEFAULT_MAX_BYTES // (1024 * 1024),
        show_default=True,
        metavar="MB",
        help="Refuse inputs larger than this many megabytes.",
    )(f)
    return f


def generate_options(f: F) -> F:
    f = click.option(
        "--types",
        metavar="T,T",
        help="Only these question types (cloze,single,multiple,truefalse,quote,order,list,short).",
    )(f)
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


def _set_flag(name: str) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value:
            setattr(ctx.ensure_object(State), name, True)

    return callback


def _global_flags() -> list[click.Parameter]:
    """-v, -q and --debug, also accepted after the verb (``kaodian build -v x``)."""
    return [
        click.Option(
            [short, long] if short else [long],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_flag(long[2:]),
            help=text,
        )
        for short, long, text in (
            ("-v", "--verbose", "Show details of errors and warnings."),
            ("-q", "--quiet", "Print nothing but errors; no progress bar."),
            ("", "--debug", "Show the traceback of an error."),
        )
    ]


class KaodianCommand(click.Command):
    """A verb: takes the global flags too, after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_global_flags())


class KaodianGroup(click.Group):
    """The ``kaodian`` group: usage errors in one line, like every other error."""

    command_class = KaodianCommand

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        previous = _catch_sigterm()
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "kaodian"
            _error(f"{exc.format_message()} (see '{where} --help')")
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("kaodian: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            _quiet_broken_pipe()
        finally:
            _restore_sigterm(previous)
        sys.exit(rv if isinstance(rv, int) else 0)


def _terminated(signum: int, frame: object) -> NoReturn:
    click.echo("kaodian: terminated; the outputs written so far are complete, the rest were not written", err=True)
    raise SystemExit(128 + signum)  # unwinds like an error, so a half-written temporary file is removed


def _catch_sigterm() -> Any:
    """Make ``kill`` (SIGTERM) unwind the program instead of stopping it mid-write; returns the old handler."""
    try:
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            return signal.signal(signal.SIGTERM, _terminated)
    except (ValueError, AttributeError):  # not the main thread, or no SIGTERM on this system
        pass
    return None


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)


@click.group(name="kaodian", cls=KaodianGroup, context_settings=CONTEXT)
@click.version_option(package_name="kaodian")
@click.option("-v", "--verbose", is_flag=True, help="Show details of errors and warnings.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors; no progress bar.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool, debug: bool) -> None:
    """kaodian (考点): turn study documents into Anki decks and printable quizzes.

    -v, -q and --debug go before or after the verb. Exit status: 0 done,
    2 bad usage or input, 1 other failures (also: some inputs of a build failed).

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
    _collect_less_often()


#: Allocations between collections of the youngest generation (Python's default is 700).
GC_THRESHOLD = 100_000


def _collect_less_often() -> None:
    """A build allocates millions of short-lived records that reference counting frees; the cycle
    collector, run every 700 allocations, only finds them alive and costs about a tenth of a build.
    The command line is a short-lived process, so it runs the collector less often (worker
    processes forked from it inherit the setting). The library leaves the collector alone.
    """
    import gc

    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, middle, oldest)


@main.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path))
@clean_options
@click.option(
    "--keep-boilerplate", is_flag=True, help="Keep site boilerplate (disclaimers, related-document lists, ...)."
)
@click.option("--report", is_flag=True, help="List on stderr every line dropped and why.")
@guarded
def clean(file: Path, encoding: str | None, max_size: int, keep_boilerplate: bool, report: bool) -> None:
    """Print the cleaned study text of FILE, one paragraph a line.

    Reads .txt .md .html .docx .pdf, detects the encoding, removes site
    boilerplate and repairs line-wrap character doubling.

    \b
    Example:
      kaodian clean data/dangqun-guanxi-scraped.txt --report
    """
    from .pipeline import clean_file

    text = clean_file(file, _clean_opts(encoding, max_size, keep_boilerplate))
    for line in text.lines():
        click.echo(line)
    if report:
        for d in text.dropped:
            click.echo(f"dropped ({d.reason}): {d.text}", err=True)
    _echo_warnings(f"{file}: {n.message}" for n in text.notices)


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@clean_options
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True, help="Output format."
)
@click.option("-o", "--output", metavar="PATH", help="Write to PATH instead of stdout.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@jobs_option
@guarded
def extract(
    files: tuple[Path, ...], encoding: str | None, max_size: int, fmt: str, output: str | None, force: bool, jobs: int
) -> None:
    """Write the study set of FILES: outline points, key claims, terms, warnings.

    \b
    Example:
      kaodian extract data/dangqun-guanxi.txt -o study.yaml
    """
    from .pipeline import study_set
    from .serialize import dumps, study_set_to_dict

    _check_output(output, force)
    study = study_set(files, _clean_opts(encoding, max_size), jobs=jobs)
    _write_or_print(dumps(study_set_to_dict(study), fmt), output, force)
    _echo_warnings(f"{d.source or d.id}: {w.message}" for d in study.documents for w in d.warnings)


def _echo_warnings(messages: Iterable[str]) -> None:
    if _state().quiet:
        return
    for m in messages:
        click.echo(f"kaodian: warning: {one_line(m)}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@clean_options
@generate_options
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True, help="Output format."
)
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

    _check_output(output, force)
    qs = question_set(inputs, _clean_opts(encoding, max_size), _gen_opts(types, seed, templates_dir))
    _write_or_print(dumps(question_set_to_dict(qs), fmt), output, force)


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path),
    default=Path("decks"),
    show_default=True,
    help="Folder to write into.",
)
@click.option(
    "--formats",
    default="apkg,quiz",
    show_default=True,
    help="Outputs per input: apkg,quiz,pdf,tsv,csv,md,tiku,gift,qti.",
)
@click.option("--deck-name", metavar="NAME", help="Deck name (default: the document title); '::' makes subdecks.")
@clean_options
@generate_options
@jobs_option
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
    INPUTS, the sample documents in data/ are built. An input that cannot be
    used is named on one line and the others are still built (exit status 1);
    an input that gives no questions gets a warning, not an empty deck.

    \b
    Example:
      kaodian build data/ -o decks --formats apkg,quiz,pdf
    """
    from .options import AnkiOptions
    from .pipeline import build as run_build
    from .pipeline import default_inputs
    from .progress import ProgressBar

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
    progress = None if state.quiet or not _stderr_is_tty() else ProgressBar(sys.stderr)
    try:
        report = run_build(paths, options, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    if not state.quiet:
        for out in report.outputs:
            click.echo(f"wrote {out}")
    _echo_warnings([*report.warnings, *report.skipped])
    for f in report.failures:
        _show_error(f.error, state, where=f.path)
    sys.exit(_build_status(report))


def _build_status(report: BuildReport) -> int:
    """0 all built; 2 nothing built because of bad input; 1 otherwise (some inputs failed or gave no questions)."""
    if report.complete and report.outputs:
        return 0
    if report.outputs:
        click.echo(
            f"kaodian: {len(report.failures)} input(s) failed, {len(report.skipped)} gave no questions; "
            f"{len(report.outputs)} file(s) written",
            err=True,
        )
        return 1
    if not report.failures:
        _error("no questions could be made from any input; nothing written")
        return 1
    if report.inputs > 1:
        click.echo("kaodian: no input could be built; nothing written", err=True)
    bad_input = not report.skipped and all(isinstance(f.error, InputError) for f in report.failures)
    return 2 if bad_input else 1


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", metavar="PATH", help="Output file (default: quiz.<format> in the current folder).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "md"]),
    default="html",
    show_default=True,
    help="A printable HTML page, a PDF, or Markdown.",
)
@click.option("--count", type=click.IntRange(1), help="At most N questions in all.")
@click.option("--per-type", metavar="T=N,...", help="Questions per type, e.g. cloze=10,single=5.")
@click.option(
    "--versions",
    type=click.IntRange(1, 26),
    default=1,
    show_default=True,
    help="Papers A卷, B卷, ... shuffled from --seed.",
)
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
@click.option(
    "--to",
    "fmt",
    required=True,
    type=click.Choice(["tiku", "gift", "qti", "csv", "md", "tsv"]),
    help="The format to write.",
)
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

"""Shared fixtures: paths to the project's samples and the real seed, and a question set of every type."""

from __future__ import annotations

import functools
import gc
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from kaodian.model import Question, Source

# CI runs a fixed set of generated examples (reproducible builds); local runs explore new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = REPO.parent / "shared" / "seeds"
SEED = SEEDS / "000_30df407dc319d81e.txt"
#: The project's sample documents, for golden tests of every exporter.
SAMPLES = sorted(p for p in DATA.glob("*") if p.suffix in (".txt", ".md"))
#: KAODIAN_UPDATE_GOLDEN=1 rewrites golden files instead of comparing with them (review the diff).
UPDATE_GOLDEN = os.environ.get("KAODIAN_UPDATE_GOLDEN") == "1"


@functools.cache
def questions_of(path: Path) -> tuple[Question, ...]:
    """The questions the whole pipeline makes from one document (once per test session)."""
    from kaodian.pipeline import question_set

    return question_set([path]).questions


def check_golden(name: str, produced: bytes) -> None:
    """Compare ``produced`` with tests/golden/<name> (or rewrite it with KAODIAN_UPDATE_GOLDEN=1)."""
    golden = GOLDEN / name
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(produced)
    assert golden.is_file(), f"{golden.name} is missing; create it with KAODIAN_UPDATE_GOLDEN=1"
    assert produced.decode("utf-8") == golden.read_bytes().decode("utf-8")  # line ends count too


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the font cache of the tests (and of the CLI they start) out of the user's home."""
    old = os.environ.get("KAODIAN_CACHE_DIR")
    os.environ["KAODIAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("kaodian-cache"))
    yield
    if old is None:
        os.environ.pop("KAODIAN_CACHE_DIR", None)
    else:
        os.environ["KAODIAN_CACHE_DIR"] = old


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture
def seed_path() -> Path:
    """The real scraped seed document; tests using it skip where the clone has no ../shared."""
    if not SEED.is_file():
        pytest.skip("the scraped seed (../shared/seeds) is not beside this clone")
    return SEED


def _src(section: str, sentence: str, point: str = "p1") -> Source:
    return Source(
        document="sample", title="学习材料样例", section=("一、总论", section), sentence=sentence, point=point
    )


def make_questions() -> tuple[Question, ...]:
    """One question of every type, with text that needs escaping in every format."""
    return (
        Question(
            id="q-cloze-1",
            type="cloze",
            prompt="党群关系是检验我们党执政能力的{{1}}。",
            answer=("根本指标",),
            source=_src("⒈党群关系", "党群关系是检验我们党执政能力的根本指标。"),
            tags=("kaodian", "sample", "cloze"),
            template="claim-predicate",
        ),
        Question(
            id="q-cloze-2",
            type="cloze",
            prompt="权为民所{{1}}，情为民所{{2}}，利为民所{{3}}。",
            answer=("用", "系", "谋"),
            source=_src("⒈党群关系", "做到权为民所用，情为民所系，利为民所谋。"),
            tags=("kaodian", "sample", "cloze"),
            template="parallel-items",
        ),
        Question(
            id="q-single-1",
            type="single",
            prompt="党群关系是检验我们党执政能力的（  ）。",
            answer=("根本指标",),
            choices=("力量源泉", "根本指标", "根本保证", "优良传统"),
            source=_src("⒈党群关系", "党群关系是检验我们党执政能力的根本指标。"),
            tags=("kaodian", "sample", "single"),
        ),
        Question(
            id="q-multiple-1",
            type="multiple",
            prompt="树立正确的“三观”包括（  ）。",
            answer=("世界观", "人生观", "价值观"),
            choices=("世界观", "方法论", "人生观", "价值观"),
            source=_src("⒉三观", "牢固树立世界观、人生观、价值观。", "p2"),
            tags=("kaodian", "sample", "multiple"),
        ),
        Question(
            id="q-tf-1",
            type="truefalse",
            prompt="密切联系群众是我们党的根本指标。",
            answer=(),
            truth=False,
            correction="密切联系群众是我们党的优良传统和作风。",
            source=_src("⒊作风", "密切联系群众是我们党的优良传统和作风。", "p3"),
            tags=("kaodian", "sample", "truefalse"),
        ),
        Question(
            id="q-tf-2",
            type="truefalse",
            prompt="党群关系是检验我们党执政能力的根本指标。",
            answer=(),
            truth=True,
            source=_src("⒈党群关系", "党群关系是检验我们党执政能力的根本指标。"),
            tags=("kaodian", "sample", "truefalse"),
        ),
        Question(
            id="q-quote-1",
            type="quote",
            prompt="“我们党的最大政治优势是密切联系群众。”这句话出自（  ）。",
            answer=("党的十六大报告",),
            choices=("党的十五大报告", "党的十六大报告", "党的十七大报告", "党章"),
            source=_src("⒊作风", "正如党的十六大报告所指出的：“我们党的最大政治优势是密切联系群众。”", "p3"),
            tags=("kaodian", "sample", "quote"),
        ),
        Question(
            id="q-order-1",
            type="order",
            prompt="请按原文顺序排列下列要点。",
            answer=("权为民所用", "情为民所系", "利为民所谋"),
            choices=("利为民所谋", "权为民所用", "情为民所系"),
            source=_src("二、现状", "主要表现在以下三个方面", "p4"),
            tags=("kaodian", "sample", "order"),
        ),
        Question(
            id="q-list-1",
            type="list",
            prompt="密切党群关系的重大意义体现在哪三个方面？",
            answer=("成功执政的根本保证", "检验执政能力的根本指标", "党的优良传统和作风"),
            source=_src("一、意义", "密切党群关系对加强党的执政能力建设具有重大意义", "p0"),
            tags=("kaodian", "sample", "list"),
        ),
        Question(
            id="q-short-1",
            type="short",
            prompt="简述 <b>A & B</b> {特殊} ~字符~ = # : 的处理。",
            answer=("保持原样 <script>alert(1)</script>", "第二点"),
            source=_src("⒊作风", "特殊字符 <b>A & B</b> 也要显示为文字。", "p3"),
            tags=("kaodian", "sample", "short"),
        ),
    )


@pytest.fixture
def questions() -> tuple[Question, ...]:
    return make_questions()


def assert_linear(
    run: Callable[[int], object], n: int, *, factor: int = 4, limit: float = 10.0, tries: int = 5
) -> None:
    """Assert that ``run(factor * n)`` takes less than ``limit`` times as long as ``run(n)``.

    A guard against quadratic (or worse) behaviour, not a speed target: linear work gives
    a ratio near ``factor`` and quadratic work ``factor`` squared. Both sizes are timed in
    the same test, in CPU time, best of ``tries``.
    """

    def timed(size: int) -> float:
        start = time.process_time()
        run(size)
        return time.process_time() - start

    run(n)  # warm up: dictionaries, compiled patterns
    # a full collection of the test session's heap in the middle of one timing is the noise
    # that matters at these sizes: collect first, then time without the collector
    gc.collect()
    gc.disable()
    try:
        # CPU time, not wall time: other processes on a busy machine do not count; the sizes
        # take turns, so a slower spell of the machine weighs on both
        pairs = [(timed(n), timed(factor * n)) for _ in range(tries)]
    finally:
        gc.enable()
    small, large = min(p[0] for p in pairs), min(p[1] for p in pairs)
    ratio = large / max(small, 1e-4)
    assert ratio < limit, f"{factor}x the input took {ratio:.1f}x the time ({small:.4f} s -> {large:.4f} s)"

"""Make study documents look scraped, and build a varied benchmark corpus from the samples in data/.

`scrape()` reproduces what a document-sharing site does to a text: rights and download
notices around it, the title repeated in the page header, a preview cut mid-sentence,
lists of other documents after it, and the line-wrap artifact inside it.

The wrap artifact, as seen on real pages: the site wraps the body (all paragraphs read as
one stream, a paragraph break counting as one character) at a fixed width, and the text
export repeats the last character of every wrapped line at the start of the next one. So
inside a paragraph a doubled character appears every width+1 characters, and the phase
carries over from one paragraph to the next. A line that ends exactly on a paragraph break
doubles the break, i.e. leaves an empty line, which the text export drops.

`build_corpus()` writes N documents derived from the samples, varied (numbers, terms,
order of points and paragraphs, sections mixed across copies) so caches and dedup do not
flatter a benchmark; deterministic from a seed.

Regenerate the committed scraped sample with `python benchmarks/corpus.py --sample`.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
CLEAN_SAMPLE = DATA / "dangqun-guanxi.txt"
SCRAPED_SAMPLE = DATA / "dangqun-guanxi-scraped.txt"

# Site boilerplate, written for this project in the style of document-sharing pages.
NOTICES = (
    "本资料由用户自行上传，平台仅提供信息存储空间服务，付费下载仅代表获得个人学习使用的许可，不代表取得作品的著作权。",
    "下载前请仔细阅读预览内容，平台无法保证文档内容完整、准确，付费即视为您已了解并同意相关规则，虚拟商品一经下载概不退款。",
    "如您认为文档侵犯了您的合法权益，请通过页面底部的“侵权投诉”入口提交材料，我们将在3个工作日内处理。",
    "本文档为VIP专享文档，开通VIP会员后可免费下载，非会员需单独购买。",
    "开通VIP后每日可享5次免费下载机会，下载次数当日有效，过期作废。",
    "VIP会员还可享受免广告阅读、在线格式转换、专属客服等多项特权，详情请查看会员中心。",
)
RELATED = (
    "某街道党工委书记在作风建设推进会上的讲话.doc",
    "关于开展“我为群众办实事”活动情况的总结报告.docx",
    "2024年基层干部联系群众工作制度汇编.doc",
    "县委理论学习中心组专题学习发言提纲.docx VIP",
    "新时代“枫桥经验”学习心得体会(精选5篇).doc",
    "社区网格员服务群众工作实施方案.docx",
    "机关作风整顿自查自纠报告范文.doc VIP",
)
RECENT = (
    "初中物理浮力经典例题及解析.pdf",
    "某物流园区仓储管理系统需求说明书.docx",
    "小学三年级语文下册第二单元教案.doc VIP",
    "2025年新能源汽车充电桩行业分析报告.pdf VIP",
    "护理学基础期末复习重点整理.docx",
    "企业年会策划方案及流程模板.pptx VIP",
    "高中数学导数专题训练(含答案).pdf",
)
SENTENCE_END = "。！？!?”"


def double_wrap(body: str, width: int = 10) -> str:
    """Apply the wrap artifact: cut `body` into lines of `width` characters, repeat each line's last char."""
    if width < 1:
        raise ValueError("width must be at least 1")
    pieces: list[str] = []
    for start in range(0, len(body), width):
        line = body[start : start + width]
        pieces.append(line)
        if start + width < len(body):
            pieces.append(line[-1])
    # A doubled paragraph break is an empty line; the site's text export drops those.
    return "\n".join(line for line in "".join(pieces).split("\n") if line)


def preview_cut(text: str, fraction: float) -> str:
    """Cut `text` at about `fraction` of its length, mid-sentence (never right after sentence punctuation)."""
    end = max(1, int(len(text) * fraction))
    end = min(end, len(text) - 1)
    while end > 1 and (text[end - 1] in SENTENCE_END or text[end - 1].isspace() or text[end] in SENTENCE_END):
        end -= 1
    return text[:end]


def scrape(
    text: str,
    *,
    width: int = 10,
    title: str | None = None,
    cut: float | None = 0.78,
    pages: int = 3,
    seed: int = 0,
) -> str:
    """The page a document-sharing site would show for `text`: boilerplate, title twice, wrapped preview, lists."""
    rng = random.Random(seed)
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    title = title if title is not None else paragraphs[0]
    body = "\n".join(paragraphs)
    if cut is not None:
        body = preview_cut(body, cut)
    notices = [f"- {n}、{line}" for n, line in enumerate(NOTICES, 1)]
    related = [f"- {name}" for name in rng.sample(RELATED, k=min(6, len(RELATED)))]
    recent = [f"- {name}" for name in rng.sample(RECENT, k=min(6, len(RECENT)))]
    lines = [
        *notices,
        "展开全文",
        title,
        title,
        f"第 1 页 / 共 {pages} 页",
        double_wrap(body, width),
        "还剩2页未读，继续阅读",
        "查看更多",
        "相关文档",
        *related,
        "最近下载",
        *recent,
        "文档评论(0)",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- benchmark corpus

# Term swaps: each pair keeps the sentence grammatical, so variants read like real documents.
ZH_SWAPS = (
    ("群众", "人民群众"),
    ("党员干部", "领导干部"),
    ("基层", "一线"),
    ("作风", "工作作风"),
    ("制度", "机制"),
    ("实践", "工作实践"),
    ("某市", "某县"),
    ("服务窗口", "便民服务中心"),
    ("调查研究", "调研走访"),
    ("满意率", "认可度"),
    ("重要", "重大"),
    ("始终", "一直"),
    ("问题", "矛盾"),
    ("具体办法", "有效举措"),
    ("不断", "持续"),
    ("一些", "部分"),
    ("少数", "个别"),
    ("坚决", "一律"),
    ("事业", "工作"),
    ("实处", "实地"),
)
PLACES = ("某市", "某县", "某区", "某镇", "某街道", "某开发区", "某乡", "某社区")
# Invented place names (two syllables and a unit) and connectives put in front of sentences,
# so that the same sentence rarely occurs twice in a corpus.
_SYLLABLES = "东西南北青川安宁平阳兴华长乐清河临江永和丰泰德明新城金水云山"
_UNITS = ("街道", "社区", "镇", "乡", "村", "县", "区")
CONNECTIVES = ("同时，", "此外，", "另外，", "实际上，", "总的来看，", "事实上，", "进一步说，", "从实践看，")
EN_SWAPS = (
    ("students", "learners"),
    ("lecture", "seminar"),
    ("exam", "final test"),
    ("cards", "flashcards"),
    ("memory", "long-term memory"),
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ZH_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
_ZH_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Section:
    """A heading and the lines under it (points and paragraphs)."""

    heading: str
    lines: tuple[str, ...]


def _zh_sections(text: str) -> tuple[str, tuple[Section, ...], str]:
    """Split the Chinese sample into its title, 一、二、三、 sections and closing paragraph."""
    lines = [line for line in text.splitlines() if line.strip()]
    title = lines[0]
    sections: list[Section] = []
    heading, body = "", list[str]()
    for line in lines[1:]:
        if _ZH_SECTION.match(line):
            if heading:
                sections.append(Section(heading, tuple(body)))
            heading, body = line, []
        else:
            body.append(line)
    # The last line of the last section is the closing paragraph (no heading of its own).
    closing = body.pop()
    sections.append(Section(heading, tuple(body)))
    return title, tuple(sections), closing


def _vary_numbers(text: str, rng: random.Random) -> str:
    def repl(match: re.Match[str]) -> str:
        value = match.group(0)
        if "." in value:
            return f"{rng.uniform(60, 99):.1f}"
        number = int(value)
        if 1990 <= number <= 2030:  # a year stays a plausible year
            return str(rng.randint(2015, 2025))
        return str(max(1, number + rng.randint(-number // 2, number // 2 + 3)))

    return _NUMBER.sub(repl, text)


def _swap_terms(text: str, swaps: Sequence[tuple[str, str]], rng: random.Random) -> str:
    for old, new in swaps:
        if rng.random() < 0.5:
            # Split on `new` first so "群众" → "人民群众" leaves an existing "人民群众" alone.
            text = new.join(part.replace(old, new) for part in text.split(new))
    return text


def _renumber_points(lines: Sequence[str]) -> list[str]:
    """Reshuffled points keep their ⒈⒉⒊ numbering in order."""
    out, n = [], 0
    for line in lines:
        if line and "⒈" <= line[0] <= "⒛":
            out.append(chr(ord("⒈") + n) + line[1:])
            n += 1
        else:
            out.append(line)
    return out


def _shuffle_points(section: Section, rng: random.Random) -> Section:
    """Shuffle a section's points (each with its following paragraph or sub-items), keeping the lead-in first."""
    lead: list[str] = []
    groups: list[list[str]] = []
    for line in section.lines:
        if line and "⒈" <= line[0] <= "⒛":
            groups.append([line])
        elif groups:
            groups[-1].append(line)
        else:
            lead.append(line)
    rng.shuffle(groups)
    return Section(section.heading, tuple(_renumber_points(lead + [line for group in groups for line in group])))


def chinese_variant(text: str, rng: random.Random, target_chars: int, topic: int) -> str:
    """A new Chinese document about `target_chars` long, built from the sample's sections, varied."""
    title, sections, closing = _zh_sections(text)
    chosen: list[Section] = []
    length = len(title)
    while length < target_chars or len(chosen) < 2:
        section = _shuffle_points(rng.choice(sections), rng)
        chosen.append(section)
        length += len(section.heading) + sum(len(line) for line in section.lines)
    out = [f"{title}（学习材料之{topic}）", ""]
    for n, section in enumerate(chosen, 1):
        # Every line varies on its own, so a long report does not repeat itself verbatim.
        out.append(_vary_line(_ZH_SECTION.sub(f"{zh_number(n)}、", section.heading), rng))
        out.extend(_vary_line(_shuffle_sentences(line, rng), rng) for line in section.lines)
        out.append("")
    out.append(closing)
    return "\n".join(out) + "\n"


def _vary_line(line: str, rng: random.Random) -> str:
    line = _swap_terms(_vary_numbers(line, rng), ZH_SWAPS, rng)
    return line.replace("某市", rng.choice(PLACES))


_SENTENCE = re.compile(r"[^。！？]*[。！？]”?|[^。！？]+$")


def _place(rng: random.Random) -> str:
    return rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_UNITS)


def _shuffle_sentences(line: str, rng: random.Random) -> str:
    """Shuffle the middle sentences of a paragraph (the first, a lead or a point, and the last, often an
    announcement, stay) and put a place, a connective or both before nearly every sentence.

    A point's title, the first sentence of its line, is left as it is. The rest rarely occurs twice in
    a corpus: the corpus is made from one short sample, and a cache or a dedup that met its sentences
    again and again would flatter the build.
    """
    sentences = _SENTENCE.findall(line)
    if len(sentences) >= 4:
        middle = sentences[1:-1]
        rng.shuffle(middle)
        sentences = [sentences[0], *middle, sentences[-1]]
    for i in range(1 if _POINT_START.match(line) else 0, len(sentences)):
        if rng.random() < 0.85:
            sentences[i] = f"在{_place(rng)}，{sentences[i]}"
        if rng.random() < 0.3:
            sentences[i] = rng.choice(CONNECTIVES) + sentences[i]
    return "".join(sentences)


#: A line that opens with a point marker: ⒈, （一）, 一、 or 1.
_POINT_START = re.compile(r"^(?:[⒈-⒛]|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.、．])")


def zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 30 → 三十 (1..99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _ZH_NUMERALS[ones - 1]
    head = "" if tens == 1 else _ZH_NUMERALS[tens - 1]
    return head + "十" + (_ZH_NUMERALS[ones - 1] if ones else "")


def english_variant(text: str, rng: random.Random, topic: int) -> str:
    """The English note with its ## sections reordered, numbers and terms varied."""
    head, *sections = re.split(r"(?m)^(?=## )", text)
    rng.shuffle(sections)
    head = head.replace("Study Notes", f"Study Notes, Part {topic}", 1)
    varied = _vary_numbers(head + "".join(sections), rng)
    return _swap_terms(varied, EN_SWAPS, rng)


def build_corpus(
    out_dir: Path,
    total_bytes: int,
    *,
    seed: int = 0,
    long_every: int = 8,
    long_chars: int = 17_000,
    short_chars: int = 2_500,
    scraped_every: int = 5,
    english_every: int = 11,
    max_documents: int | None = None,
) -> list[Path]:
    """Write documents into `out_dir` until they hold about `total_bytes` of UTF-8; return their paths.

    Every `long_every`-th document is a long report (about `long_chars` characters, ~50 KB);
    the others are short (~`short_chars`). Every `scraped_every`-th Chinese one is scraped-style,
    every `english_every`-th document is an English note.
    """
    rng = random.Random(seed)
    chinese = CLEAN_SAMPLE.read_text(encoding="utf-8")
    english = (DATA / "active-recall-notes.md").read_text(encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    written = 0
    n = 0
    while written < total_bytes and (max_documents is None or n < max_documents):
        n += 1
        if n % english_every == 0:
            name, body = f"doc{n:05d}.md", english_variant(english, rng, n)
        else:
            size = long_chars if n % long_every == 1 else short_chars
            body = chinese_variant(chinese, rng, size, n)
            if n % scraped_every == 0:
                body = scrape(body, seed=n, cut=0.9)
            name = f"doc{n:05d}.txt"
        data = body.encode("utf-8")
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
        written += len(data)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sample", action="store_true", help="regenerate data/dangqun-guanxi-scraped.txt")
    parser.add_argument("--out", type=Path, help="write a corpus into this folder")
    parser.add_argument("--kb", type=int, default=250, help="corpus size in KB (default 250)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.sample:
        SCRAPED_SAMPLE.write_text(scrape(CLEAN_SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {SCRAPED_SAMPLE.relative_to(REPO)}")
    if args.out:
        paths = build_corpus(args.out, args.kb * 1024, seed=args.seed)
        print(f"wrote {len(paths)} documents into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

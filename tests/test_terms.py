"""Key terms: segmented nouns and quoted coinages, weighted, stop words out, deterministic order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaodian.extract import _caseless, _Holders, extract
from kaodian.model import CleanText
from kaodian.terms import TOP_TERMS, stopwords, tag, weigh

PARAGRAPHS = (
    "过去，我们把党群关系比作“鱼水关系”，认为鱼儿离不开水。",
    "有的干部满脑子“权本位”思想，脱离群众，这种“权本位”思想必须纠正。",
    "党群关系是检验执政能力的根本指标，密切党群关系是党的优良传统。",
    "工作中遇到的问题，要在工作中解决。",
)


def doc_terms(paragraphs: tuple[str, ...] = PARAGRAPHS, language: str = "zh") -> dict[str, float]:
    doc = extract(CleanText(source="t", title="党群关系学习笔记", paragraphs=paragraphs, language=language))
    return {t.term: t.weight for t in doc.terms}


def test_quoted_coinages_are_terms() -> None:
    terms = doc_terms()
    assert "鱼水关系" in terms
    assert "权本位" in terms


def test_the_most_repeated_specific_term_weighs_most() -> None:
    terms = doc_terms()
    assert max(terms, key=lambda t: terms[t]) == "党群关系"
    assert terms["党群关系"] == 1.0


def test_stop_words_are_not_terms() -> None:
    terms = doc_terms()
    assert "问题" not in terms and "工作" not in terms
    assert {"问题", "工作"} <= stopwords("zh")
    assert {"the", "and"} <= stopwords("en")


def test_order_is_weight_then_term_and_capped() -> None:
    nouns = [a + b for a in "经政文社生教科人法民医住" for b in "济治化会态育技才"][:40]
    paragraphs = tuple(f"{a}和{b}都很重要。" for a, b in zip(nouns, nouns[1:] + nouns[:1], strict=True))
    doc = extract(CleanText(source="t", title="概念", paragraphs=paragraphs))
    keys = [(-t.weight, t.term) for t in doc.terms]
    assert keys == sorted(keys)
    assert len(doc.terms) == TOP_TERMS
    assert all(0 < t.weight <= 1 for t in doc.terms)


def test_english_terms_merge_plurals_and_keep_recurring_phrases() -> None:
    paragraphs = (
        "Retrieval practice strengthens memory.",
        "Cells divide; each cell copies its DNA before it divides.",
        "Retrieval practice beats rereading, and the cells agree.",
    )
    terms = doc_terms(paragraphs, "en")
    assert "retrieval practice" in {t.lower() for t in terms}
    assert "cell" in {t.lower() for t in terms}
    assert "cells" not in {t.lower() for t in terms}
    assert "the" not in terms


def test_a_quoted_plural_coinage_is_boosted_as_its_singular() -> None:
    # "cells" is counted as "cell" once both occur; the quote's boost follows it there
    paragraphs = ("Hooke called them “cells”: small rooms.", "A cell divides. Every cell has a membrane.")
    terms = weigh([(p, ()) for p in paragraphs], ["Cell biology"], ["cells"], "en")
    assert terms[0].term == "cell" and terms[0].weight == 1.0
    assert "cells" not in {t.term.lower() for t in terms}
    unquoted = weigh([(p, ()) for p in paragraphs], ["Cell biology"], [], "en")
    assert unquoted[0].term == "cell"


def test_tag_gives_back_the_text() -> None:
    text = "党群关系是检验我们党执政能力的根本指标"
    assert "".join(w for w, _ in tag(text)) == text
    assert tag("") == ()


def test_weigh_without_candidates_is_empty() -> None:
    assert weigh([("，。", (("，", "x"), ("。", "x")))], [], []) == ()


def test_the_segmenter_loads_only_when_used() -> None:
    code = "import sys, kaodian.cli, kaodian.pipeline, kaodian.extract; print('rjieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_each_term_names_the_points_that_hold_it() -> None:
    doc = extract(
        CleanText(
            source="t.txt",
            title="作风建设学习要点",
            paragraphs=(
                "一、党群关系",
                "人们常把党群关系比作“鱼水关系”，鱼水关系说明了根基所在。",
                "二、工作作风",
                "改进工作作风要从领导干部做起，工作作风关系事业成败。",
            ),
        ),
        doc_id="t",
    )
    by_title = {p.title: p.id for p in doc.points}
    terms = {t.term: t.points for t in doc.terms}
    assert terms["鱼水关系"] == (by_title["党群关系"],)
    assert terms["工作作风"] == (by_title["工作作风"],)


def test_term_points_survive_the_study_set_file(tmp_path: Path) -> None:
    from kaodian.model import StudySet
    from kaodian.serialize import dumps, load_file, study_set_to_dict

    text = CleanText(source="t.txt", title="标题", paragraphs=("一、鱼水关系", "“鱼水关系”是比喻。"))
    doc = extract(text, doc_id="t")
    path = tmp_path / "study.yaml"
    path.write_text(dumps(study_set_to_dict(StudySet((doc,)))), encoding="utf-8")
    loaded = load_file(path)
    assert isinstance(loaded, StudySet)
    assert loaded.documents[0].terms == doc.terms
    assert any(t.points for t in loaded.documents[0].terms)


_HOLDER_TEXT = st.text(alphabet="党群关系鱼水ＡａAaΣσςİi\u0307Kk\u212a ", max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_HOLDER_TEXT, st.sampled_from([None, "p1", "p2", "p3"])), max_size=8),
    _HOLDER_TEXT.filter(bool),
)
def test_term_points_are_the_points_of_the_paragraphs_that_hold_the_term(
    paragraphs: list[tuple[str, str | None]], term: str
) -> None:
    content = [text for text, _ in paragraphs]
    owner = [point for _, point in paragraphs]
    holding = [p for t, p in paragraphs if p is not None and (term in t or term.lower() in t.lower())]
    in_order = list(dict.fromkeys(p for p in owner if p is not None))
    assert _Holders(content, owner).of(term) == tuple(p for p in in_order if p in holding)


@pytest.mark.slow
def test_no_character_lower_cases_to_or_from_the_caseless_range() -> None:
    def caseless(text: str) -> bool:
        return all("\u2e00" <= c <= "\ua63f" for c in text)

    changed = (c for c in map(chr, range(sys.maxunicode + 1)) if c.lower() != c)
    assert [c for c in changed if caseless(c) or any(caseless(x) for x in c.lower())] == []
    assert _caseless("党群关系") and _caseless("かな") and not _caseless("DNA") and not _caseless("")

"""Question templates: the built-in YAML files, --templates DIR overrides, and errors with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaodian.errors import SchemaError
from kaodian.model import QUESTION_TYPES, Document, StudySet
from kaodian.options import GenerateOptions
from kaodian.questions import generate
from kaodian.serialize import load_file
from kaodian.templates import SOURCES, Template, builtin_templates, load_templates, parse_file

STUDY = Path(__file__).resolve().parent / "data" / "questions" / "qunzhong.yaml"


def _yaml(name: str, qtype: str, source: str, **wording: str) -> str:
    """One template as YAML text."""
    lines = [f"- name: {name}", f"  type: {qtype}", f"  source: {source}"]
    lines += [f'  {lang}: "{text}"' for lang, text in wording.items()]
    return "\n".join(lines) + "\n"


def _doc() -> Document:
    loaded = load_file(STUDY)
    assert isinstance(loaded, StudySet)
    return loaded.documents[0]


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_question_type_has_a_builtin_template_in_both_languages() -> None:
    templates = builtin_templates()
    assert {t.type for t in templates} == set(QUESTION_TYPES)
    for t in templates:
        assert t.text("zh") and t.text("en"), t.name
        assert t.type in SOURCES[t.source][0]


def test_builtin_template_names_are_unique() -> None:
    names = [t.name for t in builtin_templates()]
    assert len(names) == len(set(names))


def test_render_fills_placeholders_and_leaves_cloze_blanks() -> None:
    t = Template("x", "cloze", "claim-predicate", (("zh", "填空：{blanked}"),))
    assert t.render("zh", {"blanked": "党群关系是{{1}}。"}) == "填空：党群关系是{{1}}。"


def test_render_gives_none_when_a_placeholder_has_no_value() -> None:
    t = Template("x", "list", "claim-items", (("zh", "{subject}包括哪{count_zh}项？"),))
    assert t.render("zh", {"subject": "", "count_zh": "三"}) is None
    assert t.render("en", {"subject": "三观", "count_zh": "三"}) is None  # no English wording


def test_a_template_in_the_folder_replaces_the_builtin_of_the_same_name(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "mine.yaml",
        _yaml("short-point-children", "short", "point-children", zh="简述{title}。", en="Outline {title}."),
    )
    questions = generate(_doc(), GenerateOptions(types=("short",), templates_dir=tmp_path))
    prompts = [q.prompt for q in questions if q.template == "short-point-children"]
    assert prompts == ["简述坚持群众路线对加强作风建设具有重要意义。"]


def test_an_added_template_is_used_before_the_builtin_of_its_type_and_source(tmp_path: Path) -> None:
    _write(tmp_path, "extra.yml", _yaml("my-cloze", "cloze", "claim-predicate", zh="填空：{blanked}"))
    questions = generate(_doc(), GenerateOptions(types=("cloze",), templates_dir=tmp_path))
    mine = [q for q in questions if q.template == "my-cloze"]
    assert "填空：人民群众是我们党的{{1}}。" in [q.prompt for q in mine]
    assert not [q for q in questions if q.template == "cloze-claim-predicate"]


def test_a_disabled_template_makes_no_questions(tmp_path: Path) -> None:
    _write(tmp_path, "off.yaml", "- name: quote-attribution\n  type: quote\n  source: claim-quote\n  enabled: false\n")
    assert generate(_doc(), GenerateOptions(types=("quote",))), "the fixture has quotes"
    assert generate(_doc(), GenerateOptions(types=("quote",), templates_dir=tmp_path)) == ()


def test_an_edited_template_file_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.yaml", _yaml("order-point-children", "order", "point-children", zh="排序：{title}"))
    assert [t.text("zh") for t in load_templates(tmp_path) if t.name == "order-point-children"] == ["排序：{title}"]
    path.write_text(_yaml("order-point-children", "order", "point-children", zh="重新排序：{title}"), "utf-8")
    assert [t.text("zh") for t in load_templates(tmp_path) if t.name == "order-point-children"] == ["重新排序：{title}"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('- name: a\n  type: cloze\n  source: claim-predicate\n  zh: "{blanked"\n  bad: [\n', "t.yaml:6"),
        ("- name: a\n  type: cloze\n  zh: x\n", "t.yaml:1: template is missing 'source'"),
        ('- name: a\n  type: cloze\n  source: claim-predicate\n  zh: "{blanked}{foo}"\n', "unknown placeholder {foo}"),
        (_yaml("ok", "short", "point-children", zh="x") + _yaml("a", "essay", "x", zh="y"), "t.yaml:5"),
        ("- name: a\n  type: cloze\n  source: everything\n  zh: x\n", "unknown source 'everything'"),
        ("- name: a\n  type: quote\n  source: point-children\n  zh: x\n", "source 'point-children' makes"),
        ("- name: a\n  type: cloze\n  source: claim-predicate\n  zh: x\n  lang: zh\n", "unknown field 'lang'"),
        ("- name: a\n  type: cloze\n  source: claim-predicate\n", "give at least one wording"),
        ("name: a\ntype: cloze\n", "must be a list of templates"),
    ],
)
def test_a_malformed_template_names_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, "t.yaml", text)
    with pytest.raises(SchemaError) as err:
        load_templates(tmp_path)
    assert message in str(err.value)
    assert "t.yaml" in str(err.value)


def test_unknown_type_message_lists_the_known_types(tmp_path: Path) -> None:
    _write(tmp_path, "t.yaml", "- name: a\n  type: essay\n  source: point-children\n  zh: x\n")
    with pytest.raises(SchemaError, match=r"t\.yaml:1: template 'a': unknown question type 'essay'; use one of cloze"):
        load_templates(tmp_path)


def test_the_same_name_twice_in_a_folder_is_an_error(tmp_path: Path) -> None:
    one = "- name: dup\n  type: short\n  source: point-children\n  zh: x\n"
    _write(tmp_path, "a.yaml", one)
    _write(tmp_path, "b.yaml", one)
    with pytest.raises(SchemaError, match="defined twice"):
        load_templates(tmp_path)


def test_a_missing_templates_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="no such templates folder"):
        load_templates(tmp_path / "nowhere")


def test_parse_file_reports_the_line_of_the_bad_template() -> None:
    text = _yaml("a", "short", "point-children", zh="x") + "\n" + _yaml("b", "short", "point-children", zh="{nope}")
    with pytest.raises(SchemaError, match=r"^custom\.yaml:6: template 'b': unknown placeholder \{nope\}"):
        parse_file(text, "custom.yaml")


def test_render_fills_every_placeholder_around_plain_text() -> None:
    t = Template("x", "list", "claim-items", (("zh", "{subject}包括哪{count_zh}项？"), ("en", "{blanked}")))
    assert t.render("zh", {"subject": "三观", "count_zh": "三"}) == "三观包括哪三项？"
    assert t.render("en", {"blanked": "a {{1}} b"}) == "a {{1}} b"
    assert t.placeholders("zh") == ("subject", "count_zh")


@given(
    st.sampled_from(
        ["{blanked}", "{subject}包括哪{count_zh}项？", "填空：{blanked}", "{subject}{{1}}{subject}", "plain"]
    ),
    st.dictionaries(st.sampled_from(["blanked", "subject", "count_zh"]), st.sampled_from(["", "a", "{{1}}", "三观"])),
)
def test_render_is_every_placeholder_substituted_or_none(wording: str, values: dict[str, str]) -> None:
    t = Template("x", "list", "claim-items", (("zh", wording),))
    names = re.findall(r"(?<!\{)\{(\w+)\}(?!\})", wording)
    plain = (
        None
        if not all(values.get(n) for n in names)
        else re.sub(r"(?<!\{)\{(\w+)\}(?!\})", lambda m: values[m.group(1)], wording)
    )
    assert t.render("zh", values) == plain

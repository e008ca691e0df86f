"""Package data: the stored parse of the shipped YAML files is current, used, and never changes a result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kaodian import datafiles, templates
from kaodian.serialize import load_yaml, parse_data


def test_the_stored_parse_holds_every_shipped_yaml_file_as_it_is_now() -> None:
    # if this fails after a YAML file under resources/ or templates/ changed: python -m kaodian.datafiles
    stored = json.loads(datafiles.text(datafiles.PARSED))["parsed"]
    # compared as JSON text, so that a mapping's key order counts too
    assert json.dumps(stored, ensure_ascii=False) == json.dumps(datafiles.parse_all(), ensure_ascii=False)
    names = {entry["file"] for entry in stored.values()}
    assert names == {name for name, _ in datafiles.shipped_yaml()}
    assert {"resources/clean_boilerplate.yaml", "templates/cloze.yaml"} <= names


@pytest.mark.parametrize("name", ["clean_boilerplate.yaml", "extract_claims.yaml", "anki_notetypes.yaml"])
def test_a_resource_reads_as_pyyaml_parses_it_keys_in_file_order(name: str) -> None:
    parsed = parse_data(datafiles.text(name))
    assert datafiles.data(name) == parsed
    # mappings keep the file's order (families, note types and word lists are used in that order)
    assert json.dumps(datafiles.data(name), ensure_ascii=False) == json.dumps(parsed, ensure_ascii=False)


def test_built_in_templates_from_the_stored_parse_name_their_lines() -> None:
    for name, text in datafiles.shipped_yaml():
        if not name.startswith("templates/"):
            continue
        path = f"kaodian/{name}"
        data, lines = load_yaml(text, path)
        assert templates.parse_file(text, path) == templates._parse(data, lines, path)
    origins = [t.origin for t in templates.builtin_templates()]
    assert all(origin.rsplit(":", 1)[1].isdigit() for origin in origins)


def test_yaml_the_store_does_not_hold_is_parsed(tmp_path: Path) -> None:
    edited = datafiles.text("extract_outline.yaml") + "\nextra_words: [甲, 乙]\n"
    assert datafiles.stored_parse(edited) is None
    bad = "- name: custom\n  type: cloze\n  source: nowhere\n  zh: '{blanked}'\n"
    with pytest.raises(Exception, match=r"custom\.yaml:1: .*unknown source 'nowhere'"):
        templates.parse_file(bad, "custom.yaml")


def test_a_damaged_store_costs_only_the_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datafiles, "text", lambda name: "{not json" if name == datafiles.PARSED else "a: [1, 2]\n")
    datafiles._stored.cache_clear()
    try:
        assert datafiles.stored_parse("a: [1, 2]\n") is None
        assert datafiles.data.__wrapped__("any.yaml") == {"a": [1, 2]}
    finally:
        datafiles._stored.cache_clear()


def test_a_build_imports_neither_pyyaml_nor_genanki(tmp_path: Path) -> None:
    # both are read from stores beside the code: parsed_yaml.json, and anki_base.json (genanki pulls in asyncio)
    doc = tmp_path / "doc.txt"
    text = "一、总则\n\n坚持党的领导是根本保证。\n\n（一）要求\n\n必须做到三个坚持：坚持学习、坚持实践、坚持创新。\n"
    doc.write_text(text, encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from kaodian.pipeline import build;"
        "from kaodian.options import BuildOptions;"
        f"r = build([{str(doc)!r}], BuildOptions(output_dir=Path({str(tmp_path / 'out')!r})));"
        "print(len(r.outputs), r.questions > 0, *(m in sys.modules for m in ('yaml', 'genanki', 'asyncio')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["2", "True", "False", "False", "False"]

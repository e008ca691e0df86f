"""The one place where records meet the YAML/JSON schema (see docs/schema.md).

A study set file::

    kaodian: 1
    documents: [{id, source, title, language, truncated, warnings, points, claims, terms}]

A questions file::

    kaodian: 1
    questions: [{id, type, prompt, answer, choices, truth, correction, source, tags, language, template}]
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from .errors import MissingInputError, SchemaError, UnknownQuestionTypeError
from .model import (
    LANGUAGES,
    QUESTION_TYPES,
    SCHEMA_VERSION,
    Claim,
    Document,
    Notice,
    Point,
    Question,
    QuestionSet,
    Source,
    StudySet,
    Term,
)

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# ---------------------------------------------------------------- to plain data


def _drop_empty(d: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k in keep or v not in (None, "", [], ())}


def notice_to_dict(n: Notice) -> dict[str, Any]:
    return _drop_empty(
        {"code": n.code, "message": n.message, "point": n.point, "announced": n.announced, "found": n.found},
        keep=("code", "message"),
    )


def document_to_dict(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "language": doc.language,
        "truncated": doc.truncated,
        "warnings": [notice_to_dict(w) for w in doc.warnings],
        "points": [
            {
                "id": p.id,
                "parent": p.parent,
                "level": p.level,
                "marker": p.marker,
                "title": p.title,
                "text": p.text,
                **({"truncated": True} if p.truncated else {}),
            }
            for p in doc.points
        ],
        "claims": [
            _drop_empty(
                {
                    "id": c.id,
                    "point": c.point,
                    "kind": c.kind,
                    "text": c.text,
                    "subject": c.subject,
                    "predicate": c.predicate,
                    "attribution": c.attribution,
                    "items": list(c.items),
                },
                keep=("id", "point", "kind", "text"),
            )
            for c in doc.claims
        ],
        "terms": [
            {"term": t.term, "weight": round(t.weight, 4), **({"points": list(t.points)} if t.points else {})}
            for t in doc.terms
        ],
    }


def study_set_to_dict(study: StudySet) -> dict[str, Any]:
    return {"kaodian": SCHEMA_VERSION, "documents": [document_to_dict(d) for d in study.documents]}


def question_to_dict(q: Question) -> dict[str, Any]:
    d: dict[str, Any] = {"id": q.id, "type": q.type, "prompt": q.prompt, "answer": list(q.answer)}
    if q.choices:
        d["choices"] = list(q.choices)
    if q.truth is not None:
        d["truth"] = q.truth
    if q.correction:
        d["correction"] = q.correction
    d["source"] = _drop_empty(
        {
            "document": q.source.document,
            "title": q.source.title,
            "section": list(q.source.section),
            "sentence": q.source.sentence,
            "point": q.source.point,
        },
        keep=("document", "title"),
    )
    d["tags"] = list(q.tags)
    d["language"] = q.language
    if q.template:
        d["template"] = q.template
    return d


def question_set_to_dict(qs: QuestionSet) -> dict[str, Any]:
    return {"kaodian": SCHEMA_VERSION, "questions": [question_to_dict(q) for q in qs.questions]}


_YAML_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def dumps(data: dict[str, Any], fmt: str = "yaml") -> str:
    """Serialise plain data as YAML (readable, Unicode kept) or JSON."""
    if fmt == "json":
        text_json = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        # JSON is read back with the YAML loader, which refuses or folds these raw: escape them
        return _YAML_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text_json)
    text: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return text


# ---------------------------------------------------------------- from plain data


class _Reader:
    """Reads plain data into records, raising SchemaError naming the file (and line where known)."""

    def __init__(self, path: str, lines: dict[int, int] | None = None) -> None:
        self.path = path
        self.lines = lines or {}

    def fail(self, what: str, node: Any = None) -> SchemaError:
        line = self.lines.get(id(node)) if node is not None else None
        where = f"{self.path}:{line}" if line else self.path
        return SchemaError(f"{where}: {what}")

    def mapping(self, node: Any, what: str) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise self.fail(f"{what} must be a mapping, not {type(node).__name__}", node)
        return node

    def seq(self, node: Any, what: str) -> list[Any]:
        if node is None:
            return []
        if not isinstance(node, list):
            raise self.fail(f"{what} must be a list, not {type(node).__name__}", node)
        return node

    def text(self, m: dict[str, Any], key: str, *, required: bool = True, default: str = "") -> str:
        if key not in m or m[key] is None:
            if required:
                raise self.fail(f"missing '{key}'", m)
            return default
        v = m[key]
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise self.fail(f"'{key}' must be text, not {type(v).__name__}", m)
        return str(v)

    def texts(self, m: dict[str, Any], key: str) -> tuple[str, ...]:
        items = self.seq(m.get(key), f"'{key}'")
        out = []
        for it in items:
            if isinstance(it, bool) or not isinstance(it, (str, int, float)):
                raise self.fail(f"items of '{key}' must be text", m)
            out.append(str(it))
        return tuple(out)

    def opt_int(self, m: dict[str, Any], key: str) -> int | None:
        v = m.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(f"'{key}' must be a whole number", m)
        return v

    def version(self, data: dict[str, Any]) -> None:
        v = data.get("kaodian")
        if v != SCHEMA_VERSION:
            raise self.fail(f"unsupported schema version {v!r}; this kaodian reads version {SCHEMA_VERSION}", data)

    def notice(self, node: Any) -> Notice:
        m = self.mapping(node, "a warning")
        return Notice(
            code=self.text(m, "code"),
            message=self.text(m, "message", required=False),
            point=self.text(m, "point", required=False) or None,
            announced=self.opt_int(m, "announced"),
            found=self.opt_int(m, "found"),
        )

    def document(self, node: Any) -> Document:
        m = self.mapping(node, "a document")
        language = self.text(m, "language", required=False, default="zh")
        if language not in LANGUAGES:
            raise self.fail(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}", m)
        points = []
        for pn in self.seq(m.get("points"), "'points'"):
            p = self.mapping(pn, "a point")
            level = self.opt_int(p, "level") or 1
            points.append(
                Point(
                    id=self.text(p, "id"),
                    parent=self.text(p, "parent", required=False) or None,
                    level=level,
                    marker=self.text(p, "marker", required=False),
                    title=self.text(p, "title"),
                    text=self.text(p, "text", required=False),
                    truncated=bool(p.get("truncated", False)),
                )
            )
        claims = []
        for cn in self.seq(m.get("claims"), "'claims'"):
            c = self.mapping(cn, "a claim")
            claims.append(
                Claim(
                    id=self.text(c, "id"),
                    point=self.text(c, "point", required=False) or None,
                    kind=self.text(c, "kind"),
                    text=self.text(c, "text"),
                    subject=self.text(c, "subject", required=False),
                    predicate=self.text(c, "predicate", required=False),
                    attribution=self.text(c, "attribution", required=False),
                    items=self.texts(c, "items"),
                )
            )
        terms = []
        for tn in self.seq(m.get("terms"), "'terms'"):
            t = self.mapping(tn, "a term")
            w = t.get("weight", 0.0)
            if isinstance(w, bool) or not isinstance(w, (int, float)):
                raise self.fail("'weight' must be a number", t)
            terms.append(Term(term=self.text(t, "term"), weight=float(w), points=self.texts(t, "points")))
        return Document(
            id=self.text(m, "id"),
            source=self.text(m, "source", required=False),
            title=self.text(m, "title", required=False),
            language=language,
            truncated=bool(m.get("truncated", False)),
            warnings=tuple(self.notice(w) for w in self.seq(m.get("warnings"), "'warnings'")),
            points=tuple(points),
            claims=tuple(claims),
            terms=tuple(terms),
        )

    def question(self, node: Any) -> Question:
        m = self.mapping(node, "a question")
        qtype = self.text(m, "type")
        if qtype not in QUESTION_TYPES:
            line = self.lines.get(id(m))
            where = f"{self.path}:{line}" if line else self.path
            raise UnknownQuestionTypeError(
                f"{where}: unknown question type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}"
            )
        src = self.mapping(m.get("source") or {}, "'source'")
        truth = m.get("truth")
        if truth is not None and not isinstance(truth, bool):
            raise self.fail("'truth' must be true or false", m)
        language = self.text(m, "language", required=False, default="zh")
        if language not in LANGUAGES:
            raise self.fail(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}", m)
        q = Question(
            id=self.text(m, "id"),
            type=qtype,
            prompt=self.text(m, "prompt"),
            answer=self.texts(m, "answer"),
            source=Source(
                document=self.text(src, "document", required=False, default="questions"),
                title=self.text(src, "title", required=False),
                section=self.texts(src, "section"),
                sentence=self.text(src, "sentence", required=False),
                point=self.text(src, "point", required=False) or None,
            ),
            choices=self.texts(m, "choices"),
            truth=truth,
            correction=self.text(m, "correction", required=False),
            tags=self.texts(m, "tags"),
            language=language,
            template=self.text(m, "template", required=False),
        )
        if q.type in ("single", "multiple") and q.choices and len(q.correct) != len(set(q.answer)):
            raise self.fail(f"question {q.id}: every answer must be one of its choices", m)
        if q.type == "truefalse" and q.truth is None:
            raise self.fail(f"question {q.id}: a truefalse question needs 'truth: true' or 'truth: false'", m)
        return q


def study_set_from_dict(data: Any, path: str = "<study set>", lines: dict[int, int] | None = None) -> StudySet:
    r = _Reader(path, lines)
    m = r.mapping(data, "a study set")
    r.version(m)
    return StudySet(documents=tuple(r.document(d) for d in r.seq(m.get("documents"), "'documents'")))


def question_set_from_dict(data: Any, path: str = "<questions>", lines: dict[int, int] | None = None) -> QuestionSet:
    r = _Reader(path, lines)
    m = r.mapping(data, "a questions file")
    r.version(m)
    return QuestionSet(questions=tuple(r.question(q) for q in r.seq(m.get("questions"), "'questions'")))


# ---------------------------------------------------------------- files


class _LineLoader(_Loader):  # type: ignore[misc,valid-type]
    """A safe loader that remembers the line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    loader.kaodian_lines[id(mapping)] = node.start_mark.line + 1  # type: ignore[attr-defined]
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[arg-type]


def parse_data(text: str) -> Any:
    """Parse YAML shipped with kaodian (word lists, layouts) with the safe loader, in C where available."""
    return yaml.load(text, Loader=_Loader)


def _bad_character(exc: yaml.reader.ReaderError, text: str, path: str, *, in_bytes: bool = False) -> SchemaError:
    # the pure-Python reader counts characters, libyaml counts bytes of UTF-8
    row = (
        text.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n")
        if in_bytes
        else text.count("\n", 0, exc.position)
    ) + 1
    return SchemaError(f"{path}:{row}: character U+{exc.character:04X} is not allowed in YAML; remove it")


def load_yaml(text: str, path: str) -> tuple[Any, dict[int, int]]:
    """Parse YAML (or JSON, a subset) safely; syntax errors name the file and line."""
    try:
        loader = _LineLoader(text)  # the pure-Python reader rejects characters YAML does not allow here
    except yaml.reader.ReaderError as exc:
        raise _bad_character(exc, text, path) from exc
    loader.kaodian_lines = {}  # type: ignore[attr-defined]
    try:
        data = loader.get_single_data()
    except yaml.reader.ReaderError as exc:  # the C reader, while parsing
        raise _bad_character(exc, text, path, in_bytes=True) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise SchemaError(f"{path}{line}: {problem}; fix the YAML syntax there") from exc
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path}: invalid YAML ({exc})") from exc
    finally:
        loader.dispose()
    return data, loader.kaodian_lines  # type: ignore[attr-defined]


def read_text_file(path: str | Path) -> str:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError as exc:
        raise MissingInputError(f"{p}: no such file") from exc
    except OSError as exc:
        raise MissingInputError(f"{p}: cannot read it ({exc.strerror})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{p}: a study set or questions file must be UTF-8") from exc


def sniff_kind(data: Any) -> str | None:
    """'study' for a study set, 'questions' for a questions file, None for anything else."""
    if isinstance(data, dict) and "kaodian" in data:
        if "questions" in data:
            return "questions"
        if "documents" in data:
            return "study"
    return None


def load_file(path: str | Path) -> StudySet | QuestionSet:
    """Read a study set or questions file (YAML or JSON)."""
    text = read_text_file(path)
    data, lines = load_yaml(text, str(path))
    kind = sniff_kind(data)
    if kind == "questions":
        return question_set_from_dict(data, str(path), lines)
    if kind == "study":
        return study_set_from_dict(data, str(path), lines)
    raise SchemaError(
        f"{path}: not a kaodian study set or questions file (no 'kaodian:' with 'documents:' or 'questions:')"
    )


def field_names(cls: type) -> tuple[str, ...]:
    """The dataclass fields of a record, for the schema documentation test."""
    return tuple(f.name for f in fields(cls))

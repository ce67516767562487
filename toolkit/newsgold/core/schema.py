"""The JSON Schemas in ``schema/``: loaded once, compiled once, used by every reader."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from typing import Any

from newsgold.core.diagnostics import Problem
from newsgold.core.repository import toolkit_schema_dir

SCHEMA_FILES = {
    "annotation": "annotation.schema.json",
    "pass": "pass.schema.json",
    "gold": "gold-document.schema.json",
    "predictions": "predictions.schema.json",
    "manifest": "manifest.schema.json",
}

ENTITY_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)
QUOTE_TYPES = ("direct", "indirect", "mixed")
STANCE_LABELS = ("FAVOR", "AGAINST", "NEUTRAL", "NONE")
# The labels that rest on evidence quotes; NONE (the holder says nothing about the target) has none,
# so annotation tools encode it by the absence of a stance relation (GUIDELINES.md S-4, F-7).
STANCE_POSITIONS = ("FAVOR", "AGAINST", "NEUTRAL")
ZONE_TYPES = ("headline", "standfirst", "bullet", "caption", "credit", "timestamp", "dateline", "body", "boilerplate")


def load_schema_file(name: str) -> dict[str, Any]:
    with open(toolkit_schema_dir() / name, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@cache
def validator(kind: str) -> Any:
    """A compiled Draft 2020-12 validator for one record kind; cross-file refs resolve locally only."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    resources = []
    for fname in set(SCHEMA_FILES.values()) | {"common.schema.json"}:
        doc = load_schema_file(fname)
        resources.append((doc["$id"], Resource.from_contents(doc)))
    registry = Registry().with_resources(resources)
    schema = load_schema_file(SCHEMA_FILES[kind])
    Draft202012Validator.check_schema(schema)
    return _strict_validator_class()(schema, registry=registry)


def _is_strict_integer(_checker: object, instance: object) -> bool:
    """An integer is a Python int that is not a bool. JSON Schema's ``integer`` also accepts 55.0,
    and Python's ``True`` is an int; either as an offset would crash or shift the scorer."""
    return isinstance(instance, int) and not isinstance(instance, bool)


@cache
def _strict_validator_class() -> Any:
    from jsonschema import Draft202012Validator, validators
    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_strict_integer)
    return validators.extend(Draft202012Validator, type_checker=checker)


@cache
def integer_keys(kind: str) -> frozenset[Any]:
    """Property names whose schema type is ``integer`` anywhere in the schema of ``kind``."""
    keys: set[Any] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if _declares_integer(sub):
                    keys.add(name)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(dereferenced(kind))
    return frozenset(keys)


def _declares_integer(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    t = node.get("type")
    return t == "integer" or (isinstance(t, list) and "integer" in t) or any(_declares_integer(a) for a in node.get("allOf", []))


def has_float_integer(record: Any, keys: frozenset[Any]) -> bool:
    """True when a float sits where the schema wants an integer (the fast check lets 55.0 pass).
    Iterative, so no nesting depth can make it recurse."""
    stack = [record]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, float) and k in keys:
                    return True
                if isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


def dereferenced(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` with every ``$ref`` inlined (the schemas have no cycles)."""
    files = {fname: load_schema_file(fname) for fname in set(SCHEMA_FILES.values()) | {"common.schema.json"}}

    def resolve(ref: str, here: str) -> Any:
        target_file, _, pointer = ref.partition("#")
        fname = target_file or here
        node = files[fname]
        for part in [p for p in pointer.split("/") if p]:
            node = node[part]
        return walk(node, fname)

    def walk(node: Any, here: str) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = resolve(node["$ref"], here)
                rest = {k: walk(v, here) for k, v in node.items() if k != "$ref"}
                return {"allOf": [target], **rest} if rest else target
            return {k: walk(v, here) for k, v in node.items() if k not in ("$defs", "$id", "$schema")}
        if isinstance(node, list):
            return [walk(v, here) for v in node]
        return node

    schema: dict[str, Any] = walk(files[SCHEMA_FILES[kind]], SCHEMA_FILES[kind])
    return schema


@cache
def fast_validator(kind: str) -> Callable[[Any], Any] | None:
    """A compiled yes/no check (fastjsonschema) of the same schema, or None if unavailable.

    Valid records, the common case, pass here in microseconds; only a record it rejects goes
    through jsonschema, which then says precisely what is wrong and where. The keywords the
    schemas use mean the same in draft-07, which fastjsonschema implements.
    """
    try:
        import fastjsonschema
    except ImportError:
        return None
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", **dereferenced(kind)}
    return fastjsonschema.compile(schema)


def schema_digest(kind: str, text: str) -> str:
    """sha256 of a JSON file's text and the schema it is checked against: the key under which a
    file that passed its schema check is trusted (see :mod:`newsgold.gold.load`)."""
    return hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()


def schema_problems(kind: str, record: dict[str, Any], file: str, line_of: Callable[[tuple[Any, ...]], int]) -> list[Problem]:
    """All schema violations of one record; ``line_of(path_tuple)`` gives the line."""
    fast = fast_validator(kind)
    if fast is not None:
        from fastjsonschema import JsonSchemaException
        try:
            fast(record)
            if not has_float_integer(record, integer_keys(kind)):
                return []
        except JsonSchemaException:
            pass  # jsonschema below gives every problem with its path
    out = []
    for err in validator(kind).iter_errors(record):
        path = tuple(err.absolute_path)
        msg = err.message
        if err.validator in ("oneOf", "anyOf") and err.context:
            best = min(err.context, key=lambda e: len(list(e.absolute_path)))
            msg = best.message
        if len(msg) > 300:
            msg = msg[:300] + "…"
        out.append(Problem(file, line_of(path), "/".join(map(str, path)), msg, f"schema:{err.validator}"))
    return out

"""Config problems a person can act on: the key, what is wrong, what to write instead, and the OPD.

Pydantic's validation errors name a location (``('opds', 3, 'connector',
'pagination', 'style')``) and a message written for programmers. This module
turns each into a :class:`ConfigProblem`: the key path as written in the file,
the accepted values or keys with a "did you mean" when one is close, what a
missing key holds (from the field's docstring), types in plain words, and a
union's failed members merged into one line. What only the config knows (its
patterns, its special keys) comes in as :class:`ProblemHints`.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import itertools
import re
import textwrap
from collections import abc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

__all__ = ["ConfigProblem", "ProblemHints", "format_key_path", "validation_problems"]


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with a config file."""

    key: str
    """The key path, e.g. ``opds[3].connector.base_url`` (empty for the whole file)."""
    message: str
    """What is wrong and what is expected."""
    opd: str = ""
    """The slug of the OPD whose entry holds ``key`` (``opds[3]``'s), empty outside ``opds``."""

    def describe(self) -> str:
        """``KEY: MESSAGE``, followed by the OPD it is about: ``… (OPD dinkes)``."""
        text = f"{self.key}: {self.message}" if self.key else self.message
        return f"{text} (OPD {self.opd})" if self.opd else text


@dataclass(frozen=True)
class ProblemHints:
    """What the config knows that its models' types do not say."""

    patterns: Mapping[str, str] = field(default_factory=dict)
    """A field's regex pattern → what it asks for, in words (``an environment variable name …``)."""
    missing: Mapping[tuple[type[BaseModel], str], Callable[[], str]] = field(default_factory=dict)
    """(model, key) → what to add when that key is missing (computed when needed: installed kinds)."""
    mappings: Mapping[tuple[type[BaseModel], str], str] = field(default_factory=dict)
    """(model, key) → what the mapping expected there holds, when something else was written."""


def _slug_at(raw: Any, index: int) -> str:
    """The slug written in ``opds[index]`` of the raw file, or ``""``."""
    entries = raw.get("opds") if isinstance(raw, dict) else None
    if isinstance(entries, list) and 0 <= index < len(entries) and isinstance(entries[index], dict):
        slug = entries[index].get("slug")
        if isinstance(slug, str):
            return slug
    return ""


def validation_problems(
    exc: ValidationError,
    root: type[BaseModel],
    raw: Any,
    hints: ProblemHints,
    *,
    prefix: str = "",
    slug: str = "",
) -> Iterable[ConfigProblem]:
    """One problem per fault of ``exc`` (raised validating ``root`` on ``raw``); a union's faults are merged.

    ``prefix`` is prepended to every key (``opds[3].connector`` for a
    connector's own settings); ``slug`` names the OPD they belong to, else it
    is read from ``raw`` for keys under ``opds[i]``.
    """
    merged: dict[str, list[tuple[_Place, Any]]] = {}
    for error in exc.errors(include_url=False):
        place = _locate(root, error["loc"])
        key = format_key_path(place.path, prefix)
        merged.setdefault(key if place.union else f"{key}\0{len(merged)}", []).append((place, error))
    for key, found in merged.items():
        place, error = found[0]
        opd = slug
        if not opd and len(place.path) >= 2 and place.path[0] == "opds" and isinstance(place.path[1], int):
            opd = _slug_at(raw, place.path[1])
        if len(found) > 1:
            explained = (_explain(*item, hints).split("; got ")[0] for item in found)
            wanted = list(dict.fromkeys(text.removeprefix("expected ") for text in explained))
            either = ", ".join(wanted[:-1]) + f" or {wanted[-1]}" if len(wanted) > 1 else wanted[0]
            message = f"expected {either}{_got(error)}"
        else:
            message = _explain(place, error, hints)
            if error["type"] == "missing":
                message += _misspelt_as(place, [item for items in merged.values() for item in items])
        yield ConfigProblem(key.split("\0")[0], message, opd)


def _misspelt_as(missing: _Place, errors: list[tuple[_Place, Any]]) -> str:
    """`` (is 'catalogue' meant to be it?)`` when an unknown key beside the missing one is close to it."""
    parent, name = missing.path[:-1], missing.path[-1]
    unknown = [
        str(place.path[-1])
        for place, error in errors
        if error["type"] == "extra_forbidden" and place.path[:-1] == parent and place.path
    ]
    close = difflib.get_close_matches(str(name).lower(), [key.lower() for key in unknown], n=1, cutoff=0.6)
    if not close:
        return ""
    return f" (is {next(key for key in unknown if key.lower() == close[0])!r} meant to be it?)"


def format_key_path(loc: Iterable[int | str], prefix: str = "") -> str:
    """``('opds', 3, 'connector', 'base_url')`` → ``opds[3].connector.base_url``."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            path += f".{part}" if path else part
        else:
            path += f"[{part!r}]"
    return path


@dataclass(frozen=True, slots=True)
class _Place:
    """Where an error's ``loc`` points, in the terms of the models validated."""

    path: tuple[int | str, ...]
    """The loc without union member tags and ``[key]`` markers: the keys as written in the file."""
    model: type[BaseModel] | None
    """The model whose key the last part is (for unknown and missing keys)."""
    union: bool = False
    """The loc went through a union's member: the union's other members failed too."""
    mapping_key: bool = False
    """The error is about a mapping's key, not its value."""


def _locate(root: type[BaseModel], loc: Sequence[int | str]) -> _Place:
    current: Any = root
    model: type[BaseModel] | None = None
    path: list[int | str] = []
    union = mapping_key = False
    for part in loc:
        if part == "[key]":
            mapping_key = True
            continue
        members = _members(current)
        if len(members) > 1:
            # A union's error loc names the member tried (``str``, ``int``) before the member's own path.
            union = True
            named = [m for m in members if getattr(m, "__name__", None) == part]
            current = named[0] if named else Any
            continue
        current = members[0] if members else Any
        origin = get_origin(current)
        model = None
        if isinstance(current, type) and issubclass(current, BaseModel):
            model = current
            found = _field(current, str(part))
            current = found.annotation if found is not None else Any
        elif origin in (list, tuple, set, frozenset, abc.Sequence, abc.Set):
            current = next(iter(get_args(current)), Any)
        elif origin in (dict, abc.Mapping):
            current = get_args(current)[1] if len(get_args(current)) == 2 else Any
        else:
            current = Any
        path.append(part)
    return _Place(tuple(path), model, union, mapping_key)


def _members(annotation: Any) -> list[Any]:
    """The types a value of ``annotation`` may have: ``Annotated`` unwrapped, ``None`` left out."""
    if get_origin(annotation) is Annotated:
        return _members(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return [m for arg in get_args(annotation) if arg is not type(None) for m in _members(arg)]
    return [annotation]


def _field(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    """The keys ``model`` accepts, as written in the file (aliases where there are)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _did_you_mean(word: object, options: Sequence[str]) -> str:
    """``did you mean 'x'?`` when ``word`` is close to one of ``options`` (ignoring case), else ``""``."""
    if not isinstance(word, str) or not options:
        return ""
    lowered = {option.lower(): option for option in options}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"did you mean {lowered[close[0]]!r}?" if close else ""


@cache
def _attribute_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstrings written under ``model``'s fields (and its bases' fields), by field name."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in itertools.pairwise(body):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[node.target.id] = after.value.value
    for name, info in model.model_fields.items():
        if info.description:
            docs[name] = info.description
    return docs


def _first_sentence(doc: str | None) -> str:
    """The first sentence of ``doc`` on one line, without reST markup or the final full stop."""
    if not doc:
        return ""
    text = " ".join(doc.split("\n\n")[0].split()).replace("``", "")
    text = re.split(r"(?<=[a-z0-9)])\. ", text, maxsplit=1)[0].rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def _what_it_holds(model: type[BaseModel], key: str, with_context: bool) -> str:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            holds = _first_sentence(_attribute_docs(model).get(name))
            context = _first_sentence(model.__doc__) if with_context else ""
            if holds and context and len(holds) < 40:
                return f"{holds} ({context})"
            return holds
    return ""


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true/false",
    "bool_parsing": "true/false",
    "dict_type": "a mapping (key: value lines, or {key: value})",
    "model_type": "a mapping (key: value lines, or {key: value})",
    "model_attributes_type": "a mapping (key: value lines, or {key: value})",
    "list_type": "a list (- item lines, or [a, b])",
    "tuple_type": "a list (- item lines, or [a, b])",
    "set_type": "a list (- item lines, or [a, b])",
    "date_type": "a date such as 2024-01-31",
    "date_parsing": "a date such as 2024-01-31",
    "date_from_datetime_parsing": "a date such as 2024-01-31",
    "path_type": "a file path",
}


_MAPPING_ERRORS = frozenset({"dict_type", "model_type", "model_attributes_type"})


def _got(error: Any) -> str:
    got = error.get("input")
    return f"; got {got!r}" if isinstance(got, (str, int, float, bool, list)) and len(repr(got)) < 80 else ""


def _explain(place: _Place, error: Any, hints: ProblemHints) -> str:
    kind: str = error["type"]
    message: str = error["msg"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    key = place.path[-1] if place.path else ""
    special = hints.missing.get((place.model, str(key))) if place.model is not None else None
    if kind == "missing" and special is not None:
        return f"required key is missing: add {key}, {special()}"
    if kind == "missing":
        nested = len(place.path) > 1  # a connector's own settings class says nothing about a key of it
        holds = _what_it_holds(place.model, str(key), nested) if place.model is not None else ""
        return f"required key is missing: add {key}, {holds}" if holds else "required key is missing"
    if kind == "extra_forbidden":
        known = _keys_of(place.model) if place.model is not None else []
        if not known:
            return "unknown key; check its spelling against docs/operations.md"
        hint = _did_you_mean(key, known)
        return f"unknown key; {hint + ' ' if hint else ''}the keys here are: {', '.join(known)}"
    if kind in {"literal_error", "enum"}:
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        what = f"the key {key!r}" if place.mapping_key else repr(error.get("input"))
        if not options:
            return f"{message}; got {what}"
        hint = _did_you_mean(error.get("input"), options)
        return f"expected one of {', '.join(options)}; got {what}{'; ' + hint if hint else ''}"
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
        return (
            f"the key {key!r}: {message}"
            if place.mapping_key and not message.startswith(repr(key))
            else message
        )
    if kind in {"url_parsing", "url_type", "url_scheme"}:
        return f"expected an absolute URL such as https://example.go.id ({message})"
    if kind == "string_pattern_mismatch":
        explained = hints.patterns.get(str(ctx.get("pattern")))
        return f"expected {explained}{_got(error)}" if explained else f"{message}{_got(error)}"
    mapping = hints.mappings.get((place.model, str(key))) if place.model is not None else None
    if kind in _MAPPING_ERRORS and mapping is not None:
        return f"expected a mapping: {mapping}{_got(error)}"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}{_got(error)}"
    if kind == "value_error":
        return message
    message = message.replace("Input should be ", "must be ").replace("String should ", "must ")
    return f"{message}{_got(error)}"

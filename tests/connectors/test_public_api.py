"""The connector contract's public surface is explicit, sorted and documented (third parties read it)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import connectors


def _isort_style(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    casing = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return casing, name


def test_all_is_sorted_and_complete() -> None:
    assert connectors.__all__ == sorted(connectors.__all__, key=_isort_style)
    assert len(set(connectors.__all__)) == len(connectors.__all__)
    for name in connectors.__all__:
        assert hasattr(connectors, name), name


def _attribute_docstrings(module: ModuleType) -> set[str]:
    """Module-level names followed by a string literal (an attribute docstring)."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    documented = set()
    for node, following in zip(tree.body, tree.body[1:], strict=False):
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if (
            isinstance(target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            documented.add(target.id)
    return documented


@pytest.mark.parametrize("name", connectors.__all__)
def test_every_public_name_has_a_docstring(name: str) -> None:
    value = getattr(connectors, name)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert inspect.getdoc(value), f"{name} has no docstring"
        assert value.__doc__, f"{name} inherits its docstring instead of having its own"
    else:
        defining = [
            module
            for module in _modules()
            if name in getattr(module, "__all__", ()) and module is not connectors
        ]
        assert defining, f"no module of connectors defines {name}"
        assert name in _attribute_docstrings(defining[0]), f"{name} has no attribute docstring"


def _modules() -> list[ModuleType]:
    found = [connectors]
    for info in pkgutil.walk_packages(connectors.__path__, prefix="connectors."):
        found.append(importlib.import_module(info.name))
    return found


def _public_classes() -> list[tuple[str, type]]:
    classes = []
    for module in _modules():
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if inspect.isclass(value) and value.__module__ == module.__name__:
                classes.append((f"{module.__name__}.{name}", value))
    return classes


@pytest.mark.parametrize(
    ("qualified", "cls"), _public_classes(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_public_classes_document_their_fields_and_methods(qualified: str, cls: type) -> None:
    assert cls.__doc__, f"{qualified} has no docstring"
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, following in zip(body, [*body[1:], None], strict=True):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
            if name.startswith("_") or name in ("model_config",):
                continue
            documented = (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            )
            assert documented, f"{qualified}.{name} has no attribute docstring"
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
            assert ast.get_docstring(node), f"{qualified}.{node.name}() has no docstring"


def test_every_public_function_of_every_module_is_documented() -> None:
    for module in _modules():
        assert module.__doc__, f"{module.__name__} has no module docstring"
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if inspect.isfunction(value):
                assert value.__doc__, f"{module.__name__}.{name} has no docstring"

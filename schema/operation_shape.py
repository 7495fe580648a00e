"""What a query text asks for, read once per text: its normal form, each operation's kind and root fields.

The whole-answer cache needs three things before it may look an answer up
by the query's meaning rather than its bytes: a form that does not change
with whitespace, comments or the order of a client's formatting (graphql-core's
printer), whether the chosen operation is a query, and which root fields it
may run (through fragments too), since only some are public and the same for
everyone. Parsing is the costly part, so the result is kept per text in a
bounded LRU (like Strawberry's ``ParserCache``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
    print_ast,
)

__all__ = ["DocumentShape", "OperationShape", "shape_of"]

SHAPES_KEPT = 1024
"""Distinct query texts whose shape is remembered (least recently used dropped first)."""


@dataclass(frozen=True, slots=True)
class OperationShape:
    """One operation of a document: query, mutation or subscription, and the root fields it may select."""

    kind: OperationType
    root_fields: frozenset[str]
    """Every root field the operation may run, whatever its ``@skip`` / ``@include`` say."""


@dataclass(frozen=True, slots=True)
class DocumentShape:
    """A parsed query text: its printed normal form and its operations by name."""

    normalized: str
    operations: dict[str | None, OperationShape]

    def operation(self, name: str | None) -> OperationShape | None:
        """The operation GraphQL would run for ``operationName`` = ``name``; ``None`` where it errs."""
        if name is None:
            return next(iter(self.operations.values())) if len(self.operations) == 1 else None
        return self.operations.get(name)


@lru_cache(maxsize=SHAPES_KEPT)
def shape_of(query: str) -> DocumentShape | None:
    """The shape of ``query``; ``None`` when it is not valid GraphQL syntax."""
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return None
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    operations = {
        (definition.name.value if definition.name else None): OperationShape(
            kind=definition.operation,
            root_fields=frozenset(_root_fields(definition.selection_set, fragments, set())),
        )
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    }
    return DocumentShape(normalized=print_ast(document), operations=operations)


def _root_fields(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> set[str]:
    names: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names |= _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:  # a cycle is a validation error, not a hang
                seen.add(name)
                names |= _root_fields(fragment.selection_set, fragments, seen)
    return names

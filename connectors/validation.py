"""Building records from upstream data, with shape mismatches reported as ``UpstreamBadResponse``.

Every connector ends by handing a dict to a record model. A pydantic
``ValidationError`` there means the OPD sent something we cannot use; it is
translated here, once, into an error that names the field where the OPD's
developers will look for it (their path, ``data[3].judul``, not ours, ``title``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import UpstreamBadResponse
from .fieldpath import join_path

__all__ = ["build_record"]

R = TypeVar("R", bound=BaseModel)


def build_record(
    model: type[R],
    data: Mapping[str, Any],
    *,
    where: str = "",
    sources: Mapping[str, str] | None = None,
    origin: str | None = None,
) -> R:
    """Validate ``data`` as ``model``; raise ``UpstreamBadResponse`` naming the field on failure.

    ``where`` is the location of the item in the upstream body (``data[3]``);
    ``sources`` maps a model field to the upstream path it was read from
    (``{"title": "judul"}``), so the error names ``data[3].judul``; a field
    not in ``sources`` is named by its own name. ``origin`` (the request or
    the file) prefixes the message.
    """
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        first = errors[0]
        loc = [str(part) for part in first["loc"]]
        if loc and sources and loc[0] in sources:
            field = join_path(where, [*_segments(sources[loc[0]]), *loc[1:]])
        elif loc:
            field = join_path(where, loc)
        else:
            field = join_path(where, "")
        message = first["msg"].removeprefix("Value error, ")
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        if origin:
            message = f"{origin}: {message}"
        raise UpstreamBadResponse(message, field=field) from exc


def _segments(path: str) -> list[str]:
    return path.split(".") if path else []

"""Settings of the ``sql`` connector: one table of an OPD's document-management database, read-only.

The database URL comes from an environment variable (it usually holds a
password), or, for a SQLite file, from a path relative to the config file::

    connector:
      kind: sql
      url_env: DPMPTSP_DMS_URL          # postgresql+asyncpg://reader:secret@dms.internal/dms
      schema: public
      table: dokumen
      columns: {id: id_dokumen, title: judul, category: kategori, year: tahun, published_at: tgl_terbit}
      categories:
        values: {berkala: BERKALA, serta_merta: SERTA_MERTA, dikecualikan: DIKECUALIKAN}
        default: SETIAP_SAAT
      where: {status: terbit}

Every name (table, schema, column) must be a plain SQL identifier; values are
always sent as bound parameters, never as SQL text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..records import InformationCategory

__all__ = ["IDENTIFIER_PATTERN", "CategoryValues", "ColumnMapping", "Identifier", "SqlSettings"]

IDENTIFIER_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
"""A plain SQL identifier: a letter or underscore, then letters, digits and underscores (at most 63)."""

_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _identifier(value: str) -> str:
    if not IDENTIFIER_PATTERN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a plain SQL identifier: use letters, digits and underscores only "
            "(no spaces, quotes, dots or other punctuation), starting with a letter or underscore"
        )
    return value


Identifier = Annotated[str, AfterValidator(_identifier)]
"""A table, schema or column name, checked against :data:`IDENTIFIER_PATTERN`."""


class ColumnMapping(BaseModel):
    """Which column holds each document field; ``id``, ``title`` and ``category`` are required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    """The document's id within the OPD (its text form is the local id)."""
    title: Identifier
    """The title."""
    category: Identifier
    """The KIP category, as the DMS stores it (mapped through ``categories``)."""
    summary: Identifier | None = None
    """A short description."""
    type: Identifier | None = None
    """The DMS's document type."""
    year: Identifier | None = None
    """The year, an integer; without it documents have no year and years are filtered by the engine."""
    published_at: Identifier | None = None
    """When it was published (a timestamp or ISO 8601 text); needed to sort by date upstream."""
    updated_at: Identifier | None = None
    """When it last changed."""
    file_url: Identifier | None = None
    """Where its file is downloaded (never served for ``DIKECUALIKAN``)."""
    mime_type: Identifier | None = None
    """The file's media type."""
    size_bytes: Identifier | None = None
    """The file's size in bytes."""
    source_url: Identifier | None = None
    """The document's page on the OPD's site."""

    def fields(self) -> dict[str, str]:
        """Every configured document field → its column."""
        return {name: column for name, column in self.model_dump().items() if column is not None}


class CategoryValues(BaseModel):
    """How the category column's values map to the four KIP categories."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    values: dict[str, InformationCategory] = Field(default_factory=dict)
    """Stored value (compared as text, exactly) → category."""
    default: InformationCategory = InformationCategory.SETIAP_SAAT
    """The category of a value not in ``values`` (and of an empty one)."""

    def category_of(self, stored: object) -> InformationCategory:
        """The category of a stored value."""
        if stored is None:
            return self.default
        return self.values.get(str(stored), self.default)


class SqlSettings(BaseModel):
    """The ``connector:`` block of an OPD whose documents live in a SQL table."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    url_env: str | None = Field(default=None, pattern=_ENV_NAME)
    """The environment variable holding the database URL (``postgresql+asyncpg://…`` or
    ``sqlite+aiosqlite:///…``). The URL itself, with its password, never goes in the config file."""
    sqlite_path: Path | None = None
    """Instead of ``url_env``: a SQLite database file, relative to the config file's folder. It need not
    exist when the config is loaded (a missing file is an unavailable upstream)."""
    schema_: Identifier | None = Field(default=None, alias="schema")
    """The schema the table is in; ``None``: the connection's default."""
    table: Identifier
    """The table (or view) of documents."""
    columns: ColumnMapping
    """Which column holds each field."""
    categories: CategoryValues = Field(default_factory=CategoryValues)
    """How stored categories map to KIP categories."""
    where: dict[Identifier, str | int | bool] = Field(default_factory=dict)
    """Only rows whose columns equal these values are documents (``{status: terbit}``); bound parameters."""
    pool_size: int = Field(default=5, ge=1, le=100)
    """Connections kept open to the database."""
    timeout_s: float = Field(default=5.0, gt=0, le=300)
    """The longest one query (connecting included) may take."""

    @field_validator("sqlite_path")
    @classmethod
    def _relative_to_config(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        path = value.expanduser()
        if not path.is_absolute():
            context = info.context if isinstance(info.context, dict) else {}
            path = Path(context.get("config_dir") or Path.cwd()) / path
        return path.resolve()

    @model_validator(mode="after")
    def _one_source(self) -> SqlSettings:
        if (self.url_env is None) == (self.sqlite_path is None):
            found = "both are set" if self.url_env is not None else "neither is set"
            raise ValueError(
                f"set exactly one of url_env and sqlite_path ({found}): url_env names the environment "
                "variable holding the database URL (postgresql+asyncpg://…), sqlite_path a SQLite file "
                "relative to the config file"
            )
        return self

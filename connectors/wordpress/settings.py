"""Settings of the ``wordpress`` connector: the site, what to read, and how its categories map to KIP's."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from ..records import InformationCategory

__all__ = ["Source", "WordPressSettings"]

Source = Literal["media", "posts", "pages"]
"""A WordPress collection read as documents: ``/wp/v2/media``, ``/wp/v2/posts`` or ``/wp/v2/pages``."""


class WordPressSettings(BaseModel):
    """The ``connector:`` block of an OPD whose portal runs WordPress.

    Example::

        connector:
          kind: wordpress
          base_url: https://dinkes.bantenprov.go.id
          sources: [media, posts]
          categories:
            informasi-berkala: BERKALA
            informasi-serta-merta: SERTA_MERTA
            informasi-dikecualikan: DIKECUALIKAN
          default_category: SETIAP_SAAT
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: HttpUrl
    """The site's address (WordPress's *Site Address*), without ``/wp-json``."""
    pretty_permalinks: bool = True
    """``true``: ``/wp-json/wp/v2/...``; ``false`` (plain permalinks): ``/?rest_route=/wp/v2/...``."""
    sources: tuple[Source, ...] = Field(default=("media", "posts"), min_length=1)
    """The collections read, in this order. Media carry the files; posts and pages only a link."""
    categories: dict[str, InformationCategory] = {}
    """WordPress category slug → KIP category. When an item has several mapped categories,
    ``DIKECUALIKAN`` wins (an exempt document must never be served), then the first in this mapping."""
    default_category: InformationCategory = InformationCategory.SETIAP_SAAT
    """The category of an item without any mapped category (media have none unless a plugin
    registers the ``category`` taxonomy for attachments)."""
    username: str | None = None
    """The WordPress user of an application password, when the site requires one."""
    password_env: str | None = None
    """The environment variable holding that application password (never the password itself)."""
    per_page: int | None = Field(default=None, ge=1, le=100)
    """A fixed page size; by default the engine's page size, capped at WordPress's maximum of 100."""
    timeout_s: float | None = Field(default=None, gt=0)
    """A timeout for this site's requests; by default the gateway client's."""
    categories_ttl_s: float = Field(default=300.0, ge=0)
    """How long the site's category list (ids → slugs) is kept before it is read again."""

    @model_validator(mode="after")
    def _auth_complete(self) -> WordPressSettings:
        if (self.username is None) != (self.password_env is None):
            raise ValueError("set both username and password_env for an application password, or neither")
        if len(set(self.sources)) != len(self.sources):
            raise ValueError("each source may be listed once")
        return self

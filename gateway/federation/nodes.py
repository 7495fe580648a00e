"""Records as the engine hands them out: each one tied to the OPD it came from."""

from __future__ import annotations

from dataclasses import dataclass

from connectors import Document, InformationCategory, InformationListEntry

from .ids import global_id

__all__ = ["FederatedDocument", "FederatedListEntry"]


@dataclass(frozen=True)
class FederatedDocument:
    """One document of one OPD.

    An exempt (``DIKECUALIKAN``) document never carries a file, whatever the
    connector built: ``Document`` drops it on validation, and this wrapper
    drops it again for records made without validation (``model_construct``).
    """

    opd: str
    """The OPD's slug."""
    document: Document
    """The normalized record."""

    def __post_init__(self) -> None:
        doc = self.document
        if doc.category is InformationCategory.DIKECUALIKAN and (
            doc.file_url is not None or doc.mime_type is not None or doc.size_bytes is not None
        ):
            bare = doc.model_copy(update={"file_url": None, "mime_type": None, "size_bytes": None})
            object.__setattr__(self, "document", bare)

    @property
    def id(self) -> str:
        """The global id ``<slug>:<local-id>``."""
        return global_id(self.opd, self.document.local_id)


@dataclass(frozen=True)
class FederatedListEntry:
    """One entry of one OPD's public information list (DIP)."""

    opd: str
    """The OPD's slug."""
    entry: InformationListEntry
    """The normalized record."""

    @property
    def id(self) -> str:
        """The global id ``<slug>:<local-id>``."""
        return global_id(self.opd, self.entry.local_id)

"""An OPD's document-management database (DMS), for the ``sql`` connector.

:func:`write_dms` writes a seeded portal's documents into a table ``dokumen``
with the Indonesian column names such systems use, on SQLite or PostgreSQL;
:func:`connector_block` returns the matching ``connector:`` block. The table
also holds draft rows (``status = 'draf'``) that are not public: the block's
``where`` leaves them out, so the connector serves exactly the seed's documents.

Categories are stored as the DMS spells them (``berkala``, ``serta_merta``,
``dikecualikan``); documents available at any time are stored as
``tersedia setiap saat``, a value the block does not list, so they reach the
gateway through the category map's default. Exempt rows keep a file URL in the
DMS: the connector must not serve it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from connectors.records import WIB, InformationCategory

from .seed import OpdSeed

__all__ = ["DRAFTS", "STORED_CATEGORIES", "TABLE", "connector_block", "write_dms"]

TABLE = "dokumen"
"""The table's name."""
DRAFTS = 3
"""How many unpublished draft rows are written besides the seed's documents."""
STORED_CATEGORIES = {
    InformationCategory.BERKALA: "berkala",
    InformationCategory.SERTA_MERTA: "serta_merta",
    InformationCategory.SETIAP_SAAT: "tersedia setiap saat",
    InformationCategory.DIKECUALIKAN: "dikecualikan",
}
"""How the DMS stores each KIP category."""


def _table(metadata: sa.MetaData, *, postgres: bool) -> sa.Table:
    # SQLite keeps times as ISO 8601 text with the WIB offset (they sort as text); PostgreSQL as timestamptz.
    stamp: sa.types.TypeEngine[Any] = sa.DateTime(timezone=True) if postgres else sa.Text()
    return sa.Table(
        TABLE,
        metadata,
        sa.Column("id_dokumen", sa.Text, primary_key=True),
        sa.Column("judul", sa.Text, nullable=False),
        sa.Column("ringkasan", sa.Text),
        sa.Column("kategori", sa.Text, nullable=False),
        sa.Column("jenis", sa.Text),
        sa.Column("tahun", sa.Integer),
        sa.Column("tgl_terbit", stamp),
        sa.Column("tgl_ubah", stamp),
        sa.Column("url_berkas", sa.Text),
        sa.Column("tipe_mime", sa.Text),
        sa.Column("ukuran", sa.BigInteger),
        sa.Column("url_halaman", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
    )


async def write_dms(seed: OpdSeed, url: str, *, files_base_url: str | None = None) -> None:
    """Create the table ``dokumen`` in the database at ``url`` and write ``seed``'s documents and drafts.

    ``url`` is a SQLAlchemy async URL (``sqlite+aiosqlite:///path.db`` or
    ``postgresql+asyncpg://…``); a ``dokumen`` table already there is replaced.
    With ``files_base_url`` (the OPD's portal, which serves its files), file
    URLs are absolute, as a DMS keeps them; without it they are relative
    (``files/12.pdf``).
    """
    engine = create_async_engine(url, poolclass=NullPool)
    postgres = engine.dialect.name == "postgresql"
    metadata = sa.MetaData()
    table = _table(metadata, postgres=postgres)

    def stamp(value: Any) -> Any:
        if value is None or postgres:
            return value
        return value.astimezone(WIB).isoformat(timespec="microseconds")

    def file_url(path: str | None) -> str | None:
        if path is None or files_base_url is None:
            return path
        return f"{files_base_url.rstrip('/')}/{path}"

    rows: list[dict[str, Any]] = []
    for document in seed.documents:
        exempt = document.category is InformationCategory.DIKECUALIKAN
        rows.append(
            {
                "id_dokumen": document.local_id,
                "judul": document.title,
                "ringkasan": document.summary,
                "kategori": STORED_CATEGORIES[document.category],
                "jenis": document.type,
                "tahun": document.year,
                "tgl_terbit": stamp(document.published_at),
                "tgl_ubah": stamp(document.updated_at),
                # The DMS keeps the file of an exempt document too; the gateway must never serve it.
                "url_berkas": f"https://dms.internal/berkas/{document.local_id}"
                if exempt
                else file_url(document.file_url),
                "tipe_mime": "application/pdf" if exempt else document.mime_type,
                "ukuran": 1024 if exempt else document.size_bytes,
                "url_halaman": document.source_url,
                "status": "terbit",
            }
        )
    for number in range(1, DRAFTS + 1):
        rows.append(
            {
                "id_dokumen": f"draf-{number}",
                "judul": f"Draf dokumen {number}",
                "ringkasan": None,
                "kategori": "berkala",
                "jenis": "Draf",
                "tahun": 2024,
                "tgl_terbit": None,
                "tgl_ubah": None,
                "url_berkas": None,
                "tipe_mime": None,
                "ukuran": None,
                "url_halaman": None,
                "status": "draf",
            }
        )
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)
            await connection.execute(sa.insert(table), rows)
    finally:
        await engine.dispose()


def connector_block(*, url_env: str | None = None, sqlite_path: str | Path | None = None) -> dict[str, Any]:
    """The ``connector:`` block that reads a database written by :func:`write_dms`.

    Give exactly one of ``url_env`` (the variable holding the URL) and
    ``sqlite_path`` (the SQLite file).
    """
    block: dict[str, Any] = {"kind": "sql"}
    if url_env is not None:
        block["url_env"] = url_env
    if sqlite_path is not None:
        block["sqlite_path"] = str(sqlite_path)
    block.update(
        {
            "table": TABLE,
            "columns": {
                "id": "id_dokumen",
                "title": "judul",
                "summary": "ringkasan",
                "category": "kategori",
                "type": "jenis",
                "year": "tahun",
                "published_at": "tgl_terbit",
                "updated_at": "tgl_ubah",
                "file_url": "url_berkas",
                "mime_type": "tipe_mime",
                "size_bytes": "ukuran",
                "source_url": "url_halaman",
            },
            "categories": {
                "values": {
                    "berkala": "BERKALA",
                    "serta_merta": "SERTA_MERTA",
                    "dikecualikan": "DIKECUALIKAN",
                },
                "default": "SETIAP_SAAT",
            },
            "where": {"status": "terbit"},
        }
    )
    return block

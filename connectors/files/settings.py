"""Settings of the ``files`` connector: where the catalog is and how to read it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, HttpUrl, ValidationInfo, field_validator, model_validator

__all__ = ["FilesSettings"]

_EXTENSIONS: dict[str, Literal["yaml", "csv"]] = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}


class FilesSettings(BaseModel):
    """The ``connector:`` block of an OPD whose only source is a catalog file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    catalog: Path
    """The catalog file. A relative path is relative to the config file's folder
    (the working directory when the settings are validated without one). The
    file must exist when the config is loaded; its content is read on first use."""
    format: Literal["auto", "yaml", "csv"] = "auto"
    """``yaml`` or ``csv``; ``auto`` decides by the extension (``.yaml``, ``.yml``, ``.csv``)."""
    files_base_url: HttpUrl | None = None
    """Where the files are served: a relative ``file_url`` is resolved against it, as a folder."""

    @field_validator("catalog")
    @classmethod
    def _existing_file(cls, value: Path, info: ValidationInfo) -> Path:
        path = value.expanduser()
        if not path.is_absolute():
            context = info.context if isinstance(info.context, dict) else {}
            path = Path(context.get("config_dir") or Path.cwd()) / path
        path = path.resolve()
        if not path.is_file():
            raise ValueError(f"catalog file {path} does not exist; create it or fix the path")
        return path

    @model_validator(mode="after")
    def _known_format(self) -> FilesSettings:
        if self.format == "auto" and self.catalog.suffix.lower() not in _EXTENSIONS:
            raise ValueError(
                f"cannot tell the format of {self.catalog.name} from its extension; set format: yaml or csv"
            )
        return self

    @property
    def catalog_format(self) -> Literal["yaml", "csv"]:
        """The format the catalog is read in, ``auto`` decided."""
        if self.format == "auto":
            return _EXTENSIONS[self.catalog.suffix.lower()]
        return self.format

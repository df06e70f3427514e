"""Settings from environment variables, with safe defaults for a single machine."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    os.replace(tmp, path)
    return key


@dataclass
class Settings:
    """Everything that differs between a laptop, CI and a production host."""

    data_dir: Path
    database_url: str
    secret_key: str
    redis_url: str | None = None
    converter_size: int = 0  # 0 = one LibreOffice instance per core
    converter_timeout: float = 60.0
    converter_recycle_after: int = 200
    default_place: str = "Hà Nội"
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Settings":
        """Read DATA_DIR, DATABASE_URL, SECRET_KEY, REDIS_URL and the converter knobs."""
        data_dir = Path(os.environ.get("DATA_DIR", Path.cwd() / "data")).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'kiemdiem.sqlite3'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=_secret_key(data_dir),
            redis_url=os.environ.get("REDIS_URL") or None,
            converter_size=int(os.environ.get("CONVERTER_SIZE", "0")),
            converter_timeout=float(os.environ.get("CONVERTER_TIMEOUT", "60")),
            converter_recycle_after=int(os.environ.get("CONVERTER_RECYCLE_AFTER", "200")),
            default_place=os.environ.get("DEFAULT_PLACE", "Hà Nội"),
        )

"""Settings from environment variables, with safe defaults for a single machine."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from .files import atomic_write
from .rules.model import RuleSettings


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    atomic_write(path, key.encode(), mode=0o600)
    return key


@dataclass
class Settings:
    """Everything that differs between a laptop, CI and a production host.

    The archive of signed submissions (environment variable in brackets):
    archive_store [ARCHIVE_STORE]: "local" (files under data_dir/archive, one machine) or "s3" (an S3-compatible
    object store shared by several machines; credentials come from boto3's usual AWS_* variables or AWS config);
    archive_s3_bucket [ARCHIVE_S3_BUCKET]: the bucket, required with "s3";
    archive_s3_prefix [ARCHIVE_S3_PREFIX]: the key prefix inside the bucket, "archive/" by default;
    archive_s3_endpoint [ARCHIVE_S3_ENDPOINT]: the endpoint URL of MinIO, Ceph etc., none for AWS itself;
    archive_trust_roots [ARCHIVE_TRUST_ROOTS]: folder of PEM/DER root certificates the administrator trusts for
    PDF signatures, data_dir/trust-roots by default;
    archive_max_file_mb [ARCHIVE_MAX_FILE_MB] and archive_max_request_mb [ARCHIVE_MAX_REQUEST_MB]: upload limits;
    cache_max_mb [CACHE_MAX_MB]: size of DATA_DIR/pdf-cache before its least recently used entries are removed;
    job_output_days [JOB_OUTPUT_DAYS]: days a finished job's files are kept in DATA_DIR/jobs (the row stays; its
    download then answers that the file is gone and must be made again).

    The readings of the rating rules the regulation leaves open (docs/RULES.md): rules [RULES_GAP_READING,
    RULES_QUOTA_BASE, RULES_VOTE_SUPPORT_REQUIRED], the installation's default: a unit may set its own, inherited below
    it (service.unit_rules);
    form_codes_without_year [FORM_CODE_WITHOUT_YEAR]: the forms whose code prints without the year, e.g. "03,05"
    ("Mẫu 03-HD KĐ.ĐG" as public copies cite it) or "*" for all; empty (default): "Mẫu 03-HD KĐ.ĐG 2025", as the
    guide's appendix prints it.
    """

    data_dir: Path
    database_url: str
    secret_key: str
    redis_url: str | None = None
    converter_size: int = 0  # 0 = one LibreOffice instance per core
    converter_timeout: float = 60.0
    converter_recycle_after: int = 200
    default_place: str = "Hà Nội"
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto to believe (audit addresses)
    extra: dict = field(default_factory=dict)
    archive_store: str = "local"
    archive_s3_bucket: str | None = None
    archive_s3_prefix: str = "archive/"
    archive_s3_endpoint: str | None = None
    archive_trust_roots: Path | None = None  # None = data_dir / "trust-roots", filled in by __post_init__
    archive_max_file_mb: int = 50
    archive_max_request_mb: int = 200
    cache_max_mb: int = 2048       # the PDF cache (renders, conversions, stamped parts) pruned oldest-first above it
    job_output_days: int = 7       # packet files of finished jobs removed after this many days (rebuilt on demand)
    rules: RuleSettings = field(default_factory=RuleSettings)
    form_codes_without_year: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """The trust roots live in the data folder unless told otherwise, so a bare Settings(...) is complete."""
        if self.archive_trust_roots is None:
            self.archive_trust_roots = Path(self.data_dir) / "trust-roots"

    @classmethod
    def from_env(cls) -> "Settings":
        """Read DATA_DIR, DATABASE_URL, SECRET_KEY, REDIS_URL, the converter knobs and the ARCHIVE_* settings."""
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
            trusted_proxies=int(os.environ.get("TRUSTED_PROXIES", "0")),
            archive_store=(os.environ.get("ARCHIVE_STORE") or "local").strip().lower(),
            archive_s3_bucket=os.environ.get("ARCHIVE_S3_BUCKET") or None,
            archive_s3_prefix=os.environ.get("ARCHIVE_S3_PREFIX", "archive/"),
            archive_s3_endpoint=os.environ.get("ARCHIVE_S3_ENDPOINT") or None,
            archive_trust_roots=Path(os.environ.get("ARCHIVE_TRUST_ROOTS") or data_dir / "trust-roots").resolve(),
            archive_max_file_mb=int(os.environ.get("ARCHIVE_MAX_FILE_MB", "50")),
            archive_max_request_mb=int(os.environ.get("ARCHIVE_MAX_REQUEST_MB", "200")),
            cache_max_mb=int(os.environ.get("CACHE_MAX_MB", "2048")),
            job_output_days=int(os.environ.get("JOB_OUTPUT_DAYS", "7")),
            rules=RuleSettings.from_env(dict(os.environ)),
            form_codes_without_year=tuple(c.strip() for c in (os.environ.get("FORM_CODE_WITHOUT_YEAR") or "").split(",")
                                          if c.strip()),
        )

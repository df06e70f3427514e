"""Check the PDF digital signatures of an uploaded file (agencies sign with USB-token certificates) with pyHanko.

Trust comes only from the root certificates the administrator configured. Revocation is NOT checked: the servers
have no network to the CAs' CRL/OCSP responders, so fetching is off and a missing revocation answer is ignored
(soft-fail). Certificates are checked at the time of verification, not at the claimed signing time.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import ModificationLevel, PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from service.errors import ServiceError
from service.text import clean

# pyHanko logs every signature that fails (untrusted, tampered) at ERROR level with a traceback. Those are the
# expected outcomes this module reports in SignatureCheck, not faults of the service: keep them out of the logs.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)
logger = logging.getLogger(__name__)

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}
_SUPPORTED_SUBFILTERS = {s.value for s in SigSeedSubFilter}

TrustRoot = bytes | x509.Certificate


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on one signature field, in the words the archive page shows."""

    field: str
    signer: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    modified_after: bool
    valid: bool
    summary: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form for the API and the audit log."""
        return {"field": self.field, "signer": self.signer,
                "signed_at": self.signed_at.isoformat() if self.signed_at else None,
                "intact": self.intact, "trusted": self.trusted, "modified_after": self.modified_after,
                "valid": self.valid, "summary": self.summary}


def load_trust_roots(paths: Iterable[Path]) -> list[x509.Certificate]:
    """Read every certificate file in the configured folders or files, so an administrator adds a CA by copying."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CERT_SUFFIXES)
        elif path.is_file():
            files.append(path)
    roots: list[x509.Certificate] = []
    for file in files:
        try:
            roots += _parse_certificates(file.read_bytes())
        except Exception as exc:  # OSError, asn1crypto's ValueError/TypeError on garbage
            raise ServiceError(f"Không đọc được chứng thư gốc trong tệp {file.name}: tệp hỏng hoặc không phải "
                               "chứng thư X.509 (PEM hoặc DER).", detail=f"{file}: {exc}") from exc
    return roots


def verify_pdf_signatures(pdf: bytes, trust_roots: Iterable[TrustRoot]) -> list[SignatureCheck]:
    """Check each signature of the PDF in signing order; a bad signature is a verdict, never an exception."""
    roots = [root for item in trust_roots for root in _as_certificates(item)]
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:
        raise ServiceError("Không mở được tệp PDF để kiểm tra chữ ký số: tệp hỏng hoặc không phải PDF.",
                           detail=repr(exc)) from exc
    found: list[tuple[int, SignatureCheck]] = []
    for position, (name, sig_obj, sig_field) in enumerate(fields):
        name = clean(str(name))
        try:
            sig_obj = sig_obj.get_object()
            if sig_obj.get("/Type") == "/DocTimeStamp":
                continue  # a document timestamp (long-term validation upkeep), not a person's signature
            if sig_obj.get("/SubFilter") not in _SUPPORTED_SUBFILTERS:
                raise ValueError(f"unsupported /SubFilter {sig_obj.get('/SubFilter')}")
            embedded = EmbeddedPdfSignature(reader, sig_field, name)
            # A fresh context per signature: it caches validated paths, and it never fetches anything.
            context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
            status = validate_pdf_signature(embedded, context)
            found.append((embedded.signed_revision, _check(name, status)))
        except Exception as exc:
            found.append((10**9 + position, _unreadable(name, exc)))
    return [check for _, check in sorted(found, key=lambda item: item[0])]


def _check(field: str, status: PdfSignatureStatus) -> SignatureCheck:
    """Turn pyHanko's status into our verdict; `valid` is pyHanko's bottom_line, never its narrower `valid`."""
    level = status.modification_level
    # Changes after signing are harmless when pyHanko classifies every later revision as at most other
    # signatures, form filling or signature upkeep (DSS, timestamps) and the document's DocMDP policy allows them.
    # Anything else counts as modified: new annotations/comments, changed pages, a signature that does not cover
    # its own revision, or an analysis that could not conclude.
    modified_after = (status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION
                      or level is None or level > ModificationLevel.FORM_FILLING or status.docmdp_ok is False)
    signed_at = status.signer_reported_dt
    if signed_at is not None and signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=timezone.utc)
    return SignatureCheck(field=field, signer=clean(status.signing_cert.subject.human_friendly), signed_at=signed_at,
                          intact=bool(status.intact), trusted=bool(status.trusted), modified_after=modified_after,
                          valid=bool(status.bottom_line), summary=_summary(status, modified_after))


def _summary(status: PdfSignatureStatus, modified_after: bool) -> str:
    """One Vietnamese sentence naming the first thing wrong, in the order a reader should worry about it."""
    if not status.intact:
        return "Chữ ký KHÔNG hợp lệ: nội dung đã bị thay đổi sau khi ký"
    if not status.valid:
        return "Chữ ký KHÔNG hợp lệ: dữ liệu chữ ký không khớp với chứng thư của người ký"
    if modified_after and not status.docmdp_ok:
        return "Chữ ký KHÔNG hợp lệ: tệp đã bị sửa nội dung sau khi ký"
    if not status.trusted:
        problem = getattr(status.trust_problem_indic, "name", "")
        if problem in {"EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"}:
            return "Chữ ký còn nguyên vẹn nhưng chứng thư của người ký đã hết hạn hoặc chưa có hiệu lực"
        if problem in {"REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"}:
            return "Chữ ký còn nguyên vẹn nhưng chứng thư của người ký đã bị thu hồi"
        if problem == "SIG_CONSTRAINTS_FAILURE":
            return "Chữ ký còn nguyên vẹn nhưng chứng thư của người ký không được phép dùng để ký văn bản"
        return "Chữ ký còn nguyên vẹn nhưng chứng thư không thuộc gốc tin cậy đã cấu hình"
    if not status.bottom_line:
        return "Chữ ký chưa được xác nhận hợp lệ: dấu thời gian hoặc ràng buộc của ô chữ ký không đạt"
    if modified_after:
        return "Chữ ký hợp lệ, chứng thư tin cậy; tệp có thêm chú thích hoặc thay đổi khác sau khi ký"
    return "Chữ ký hợp lệ, chứng thư tin cậy"


def _unreadable(field: str, exc: Exception) -> SignatureCheck:
    """The verdict for a signature pyHanko cannot even parse: shown, never silently dropped."""
    logger.warning("unreadable PDF signature in field %r: %r", field, exc)
    return SignatureCheck(field=field, signer="", signed_at=None, intact=False, trusted=False, modified_after=False,
                          valid=False, summary="Chữ ký KHÔNG hợp lệ: không đọc được dữ liệu chữ ký số trong tệp")


def _parse_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle, or the one in a DER file; ValueError when there is none."""
    if pem.detect(data):
        certs = [x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True)
                 if kind == "CERTIFICATE"]
    else:
        certs = [x509.Certificate.load(data)]
    for cert in certs:
        _ = cert.native  # asn1crypto parses lazily: force it so garbage fails here, not during validation
    if not certs:
        raise ValueError("no CERTIFICATE block")
    return certs


def _as_certificates(root: TrustRoot) -> list[x509.Certificate]:
    """Accept parsed roots or raw PEM/DER bytes, so callers can pass a configured PEM directly."""
    return [root] if isinstance(root, x509.Certificate) else _parse_certificates(root)

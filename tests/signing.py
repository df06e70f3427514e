"""Test helpers for signed PDFs: a throwaway CA with a Vietnamese signer, a small PDF, and pyHanko signing."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from service.packets.fonts import finish, new_document

SIGNER_NAME = "Nguyễn Văn Thử"
SIGNER_ORG = "Đảng ủy thử nghiệm"


@dataclass(frozen=True)
class TestCA:
    """A throwaway root CA and one signer certificate it issued (RSA 2048, like a USB token's)."""

    __test__ = False  # a helper, not a pytest test class

    root_key: rsa.RSAPrivateKey
    root_cert: x509.Certificate
    signer_key: rsa.RSAPrivateKey
    signer_cert: x509.Certificate

    @property
    def root_pem(self) -> bytes:
        """The root certificate as PEM, what an administrator drops into the trust folder."""
        return self.root_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def root_der(self) -> bytes:
        """The root certificate as DER (a .cer file as Windows exports it)."""
        return self.root_cert.public_bytes(serialization.Encoding.DER)

    def pyhanko_signer(self) -> signers.SimpleSigner:
        """The signer as pyHanko wants it: asn1crypto certificate and key, root embedded in the CMS."""
        der = serialization.Encoding.DER
        key = self.signer_key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        root = asn1_x509.Certificate.load(self.root_der)
        return signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(self.signer_cert.public_bytes(der)),
            signing_key=asn1_keys.PrivateKeyInfo.load(key),
            cert_registry=SimpleCertificateStore.from_certs([root]),
        )


def _name(common_name: str, organization: str) -> x509.Name:
    """A Vietnamese subject: CN, O and C=VN."""
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def make_ca(name: str = "Gốc thử nghiệm", signer_name: str = SIGNER_NAME) -> TestCA:
    """A fresh root CA called `name` and a signer certificate for `signer_name` issued by it."""
    now = datetime.now(timezone.utc)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name(name, "Tổ chức chứng thực thử nghiệm")
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(root_name).issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name, SIGNER_ORG)).issuer_name(root_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return TestCA(root_key, root_cert, signer_key, signer_cert)


def sign_pdf(pdf: bytes, ca: TestCA, field_name: str = "Signature1") -> bytes:
    """`pdf` with one more (invisible) approval signature by the CA's signer, as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason="Ký duyệt bản kiểm điểm", location="Hà Nội")
    out = signers.sign_pdf(writer, meta, signer=ca.pyhanko_signer())
    return out.getvalue()


def simple_pdf(text: str = "Bản kiểm điểm cá nhân năm 2025 – Hoàn thành tốt nhiệm vụ") -> bytes:
    """A one-page A4 PDF showing `text`, page content left uncompressed so tests can find and alter it."""
    pdf = new_document()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Serif", size=14)
    pdf.set_xy(20, 30)
    pdf.multi_cell(170, 8, text)
    return finish(pdf)

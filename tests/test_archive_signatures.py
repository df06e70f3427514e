"""PDF signature checks as a user sees them: valid, untrusted, tampered, changed after signing, unreadable."""
from __future__ import annotations

import io
import json
import logging
import re
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from service.archive.signatures import load_trust_roots, verify_pdf_signatures
from service.errors import ServiceError
from tests.signing import SIGNER_NAME, make_ca, sign_pdf, simple_pdf

VALID = "Chữ ký hợp lệ, chứng thư tin cậy"


@pytest.fixture(scope="module")
def ca():
    return make_ca()


@pytest.fixture(scope="module")
def unsigned():
    return simple_pdf()


@pytest.fixture(scope="module")
def signed(unsigned, ca):
    return sign_pdf(unsigned, ca)


def _update_page(signed: bytes, change) -> bytes:
    """Append an incremental update in which `change(writer, page)` alters the first page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"].raw_get("/Kids")[0].get_object()
    change(writer, page)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _replace_content(writer, page) -> None:
    """Swap the page's text for other text (a rating rewritten after signing)."""
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 14 Tf 56 700 Td (\x00\x01) Tj ET"))


def _add_note(writer, page) -> None:
    """Stick a comment annotation on the page."""
    note = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
        generic.pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (100, 100, 120, 120)]),
        generic.pdf_name("/Contents"): generic.pdf_string("Đã sửa xếp loại"),
    })
    page["/Annots"] = generic.ArrayObject([writer.add_object(note)])


def test_signed_with_configured_root_is_valid(signed, ca, caplog):
    [check] = verify_pdf_signatures(signed, [ca.root_pem])
    assert (check.field, check.intact, check.trusted, check.modified_after, check.valid) == (
        "Signature1", True, True, False, True)
    assert check.summary == VALID
    assert SIGNER_NAME in check.signer and unicodedata.is_normalized("NFC", check.signer)
    assert "Đảng ủy thử nghiệm" in check.signer
    assert check.signed_at.tzinfo is not None
    assert abs(datetime.now(timezone.utc) - check.signed_at) < timedelta(minutes=5)
    data = json.loads(json.dumps(check.as_dict()))
    assert data["signed_at"] == check.signed_at.isoformat() and data["valid"] is True
    assert set(data) == {"field", "signer", "signed_at", "intact", "trusted", "modified_after", "valid", "summary"}
    assert not [r for r in caplog.records if r.name.startswith("pyhanko") and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("roots", ["none", "other CA"])
def test_untrusted_certificate_is_intact_but_not_valid(signed, roots, caplog):
    caplog.set_level(logging.DEBUG)
    trust = [] if roots == "none" else [make_ca("Gốc không liên quan").root_pem]
    [check] = verify_pdf_signatures(signed, trust)
    assert (check.intact, check.trusted, check.valid, check.modified_after) == (True, False, False, False)
    assert check.summary == "Chữ ký còn nguyên vẹn nhưng chứng thư không thuộc gốc tin cậy đã cấu hình"
    assert not [r for r in caplog.records if r.name.startswith("pyhanko")]  # expected failure: no traceback in logs


def test_one_byte_changed_inside_the_signed_range(signed, ca):
    first_range_end = int(re.search(rb"/ByteRange \[ *0 +(\d+)", signed).group(1))
    digit = re.search(rb"BT (\d)", signed).start(1)  # first coordinate of the text: the text moves
    assert digit < first_range_end
    tampered = signed[:digit] + str((int(signed[digit:digit + 1]) + 1) % 10).encode() + signed[digit + 1:]
    [check] = verify_pdf_signatures(tampered, [ca.root_pem])
    # pyHanko: intact False, its narrow `valid` stays True (the CMS itself is fine), bottom_line False.
    assert (check.intact, check.trusted, check.valid) == (False, False, False)
    assert check.modified_after is False  # no incremental update: the damage is reported by `intact`
    assert check.summary == "Chữ ký KHÔNG hợp lệ: nội dung đã bị thay đổi sau khi ký"


@pytest.mark.parametrize("change", [_replace_content, _add_note], ids=["page text replaced", "comment added"])
def test_incremental_update_after_signing_is_not_valid(signed, ca, change):
    # pyHanko's default diff policy reports both as ModificationLevel.OTHER (SuspiciousModification), docmdp_ok False.
    [check] = verify_pdf_signatures(_update_page(signed, change), [ca.root_pem])
    assert (check.intact, check.trusted, check.modified_after, check.valid) == (True, True, True, False)
    assert check.summary == "Chữ ký KHÔNG hợp lệ: tệp đã bị sửa nội dung sau khi ký"


def test_second_signature_keeps_the_first_valid(signed, ca):
    both = sign_pdf(signed, ca, field_name="Signature2")
    checks = verify_pdf_signatures(both, [ca.root_pem])
    assert [c.field for c in checks] == ["Signature1", "Signature2"]  # signing order
    assert all(c.valid and not c.modified_after and c.summary == VALID for c in checks)


def test_unsigned_pdf_has_no_signatures(unsigned, ca):
    assert verify_pdf_signatures(unsigned, [ca.root_pem]) == []


def test_unreadable_signature_is_reported_not_raised(signed, ca):
    contents = re.search(rb"/Contents <([0-9a-fA-F]+)>", signed)
    broken = signed[:contents.start(1)] + b"0" * len(contents.group(1)) + signed[contents.end(1):]
    [check] = verify_pdf_signatures(broken, [ca.root_pem])
    assert (check.field, check.intact, check.trusted, check.valid) == ("Signature1", False, False, False)
    assert "không đọc được dữ liệu chữ ký" in check.summary


def test_not_a_pdf_raises_service_error(ca):
    with pytest.raises(ServiceError, match="Không mở được tệp PDF"):
        verify_pdf_signatures(b"<html>not a pdf</html>", [ca.root_pem])


def test_load_trust_roots_reads_pem_bundles_and_der(tmp_path, ca, signed):
    other = make_ca("Gốc thứ hai")
    (tmp_path / "bundle.pem").write_bytes(other.root_pem + b"\n" + make_ca("Gốc thứ ba").root_pem)
    (tmp_path / "root.CER").write_bytes(ca.root_der)
    (tmp_path / "readme.txt").write_text("không phải chứng thư", encoding="utf-8")
    roots = load_trust_roots([tmp_path, tmp_path / "missing"])
    assert len(roots) == 3
    assert verify_pdf_signatures(signed, roots)[0].valid
    assert load_trust_roots([tmp_path / "missing"]) == []


def test_load_trust_roots_names_the_bad_file(tmp_path):
    (tmp_path / "hong.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n")
    with pytest.raises(ServiceError, match="Không đọc được chứng thư gốc trong tệp hong.pem"):
        load_trust_roots([tmp_path])
    (tmp_path / "hong.pem").write_bytes(b"garbage")
    with pytest.raises(ServiceError, match="hong.pem"):
        load_trust_roots([tmp_path])

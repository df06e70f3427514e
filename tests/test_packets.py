"""service.packets: a real packet from LibreOffice PDFs, read back page by page (text, bookmarks, QR codes)."""
from __future__ import annotations

import io
import random
import re
import subprocess
import unicodedata
from datetime import date

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from PIL import Image, ImageFilter
from pypdf import PdfReader, PdfWriter

from service.errors import ServiceError
from service.packets import (CONTENTS_CODE, COVER_CODE, PacketError, PacketInfo, Part, assemble_packet,
                             build_packet,
                             parse_payload, qr_payload, read_image_code, read_page_codes)

UNIT = "Chi bộ Tổ Toán – Tin"
MEMBER = "Trần Thị Ánh Tuyết"
SUPERIOR = "Đảng bộ Phường Ba Đình"
INFO = PacketInfo(packet_code="P7K2Q", unit=UNIT, year=2026, regime="Quy định 366-QĐ/TW",
                  generated_on=date(2026, 12, 5), title="HỒ SƠ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026",
                  superior=SUPERIOR, place="Hà Nội")
# (title, doc code, path, pages, landscape, /Rotate applied afterwards)
DOCS = [
    ("Báo cáo kiểm điểm tập thể", "D0001", (UNIT,), 1, False, 0),
    ("Bản kiểm điểm cá nhân", "D0042", (UNIT, MEMBER), 3, False, 0),
    ("Bảng tổng hợp kết quả xếp loại", "D0043", (UNIT, MEMBER), 1, True, 0),
    ("Bản cam kết tu dưỡng, rèn luyện", "D0050", (UNIT, "Lê Văn An"), 1, False, 90),
]


def make_docx(title: str, marker: str, pages: int, landscape: bool) -> bytes:
    """A DOCX in Times New Roman (Calibri would lose Ậ Ệ Ộ) with `pages` pages, the first starting with its title."""
    doc = Document()
    rfonts = doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme"):
            del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), "Times New Roman")
    if landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for page in range(pages):
        if page:
            doc.add_page_break()
        doc.add_paragraph(title if page == 0 else f"{title} (tiếp)")
        doc.add_paragraph(f"Mã kiểm tra {marker} trang {page + 1}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def rotated(pdf: bytes, degrees: int) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for page in writer.pages:
        page.rotate(degrees)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_texts(pdf: bytes, *, layout: bool = False) -> list[str]:
    """Each page's text as poppler extracts it, NFC."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    return [unicodedata.normalize("NFC", t) for t in out.split("\f")[:-1]]


@pytest.fixture(scope="module")
def parts(converter) -> list[Part]:
    out = []
    for title, code, path, pages, landscape, rotate in DOCS:
        pdf = converter.to_pdf(make_docx(title, code, pages, landscape), name=title)
        assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
        out.append(Part(pdf=rotated(pdf, rotate) if rotate else pdf, title=title, doc_code=code, path=path))
    return out


@pytest.fixture(scope="module")
def built(parts):
    steps: list[str] = []
    # The unit arrives decomposed (typed with "Unicode tổ hợp"): the cover must still print NFC.
    info = PacketInfo(**{**INFO.__dict__, "unit": unicodedata.normalize("NFD", UNIT)})
    pdf = build_packet(info, parts, progress=steps.append)
    return pdf, PdfReader(io.BytesIO(pdf)), steps


def expected_starts() -> list[int]:
    """1-based packet page of each document: cover, one contents page, then the parts."""
    starts, page = [], 3
    for _title, _code, _path, pages, _landscape, _rotate in DOCS:
        starts.append(page)
        page += pages
    return starts


def test_page_count_is_parts_plus_cover_and_contents(built):
    _pdf, reader, _steps = built
    assert len(reader.pages) == 1 + 1 + sum(d[3] for d in DOCS)
    assert reader.pdf_header != "%PDF-1.3"


def test_cover_has_the_documents_party_heading_vietnamese_nfc(built):
    pdf, reader, _steps = built
    cover = page_texts(pdf)[0]
    flat = re.sub(r"\s+", " ", cover)
    lines = [line.strip() for line in page_texts(pdf, layout=True)[0].splitlines() if line.strip()]
    # as in the documents: superior body, then the unit in capitals on the left; the Party's name, then the
    # place and date on the right
    assert lines[0].startswith("ĐẢNG BỘ PHƯỜNG BA ĐÌNH") and lines[0].endswith("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert lines[1].startswith("CHI BỘ TỔ TOÁN – TIN")
    assert any(line.endswith("Hà Nội, ngày 05 tháng 12 năm 2026") for line in lines[1:4])
    assert "Chi bộ Tổ Toán" not in cover
    for expected in ["ĐẢNG CỘNG SẢN VIỆT NAM", UNIT.upper(), "Hà Nội, ngày 05 tháng 12 năm 2026", "Quy định 366-QĐ/TW",
                     "HỒ SƠ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026", "2026",
                     f"Số văn bản: {len(DOCS)}", f"Tổng số trang: {len(reader.pages)}", "P7K2Q"]:
        assert expected in flat
    assert unicodedata.normalize("NFD", UNIT.upper()) not in cover
    assert reader.metadata.title == INFO.title


def test_contents_numbers_point_at_the_documents(built):
    pdf, _reader, _steps = built
    texts = page_texts(pdf, layout=True)
    listed = dict((m.group(1).strip(), int(m.group(2)))
                  for m in re.finditer(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", texts[1], re.M))
    assert listed == {title: start for (title, *_), start in zip(DOCS, expected_starts())}
    for (title, code, *_rest), start in zip(DOCS, expected_starts()):
        assert title in texts[start - 1] and f"Mã kiểm tra {code} trang 1" in texts[start - 1]
    assert UNIT in texts[1] and MEMBER in texts[1] and "Lê Văn An" in texts[1]


def flatten(reader: PdfReader, items, depth: int = 0) -> list[tuple[int, str, int]]:
    out = []
    for item in items:
        if isinstance(item, list):
            out += flatten(reader, item, depth + 1)
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item)))
    return out


def test_bookmarks_nest_unit_member_document_and_open_the_right_page(built):
    _pdf, reader, _steps = built
    s = [p - 1 for p in expected_starts()]
    assert flatten(reader, reader.outline) == [
        (0, "Bìa hồ sơ", 0), (0, "Mục lục", 1),
        (0, UNIT, s[0]), (1, DOCS[0][0], s[0]),
        (1, MEMBER, s[1]), (2, DOCS[1][0], s[1]), (2, DOCS[2][0], s[2]),
        (1, "Lê Văn An", s[3]), (2, DOCS[3][0], s[3]),
    ]


def expected_codes(total: int) -> list[str]:
    codes = [COVER_CODE, CONTENTS_CODE]
    for _title, code, _path, pages, *_ in DOCS:
        codes += [code] * pages
    return [qr_payload("P7K2Q", code, n) for n, code in enumerate(codes, 1)]


def test_every_page_has_its_number_footer_and_qr_code(built):
    pdf, reader, _steps = built
    total = len(reader.pages)
    codes = expected_codes(total)
    for n, (text, payload) in enumerate(zip(page_texts(pdf), codes), 1):
        assert f"Trang {n}/{total} · {parse_payload(payload)[1]}" in text
    assert read_page_codes(pdf) == codes


def test_parts_keep_their_page_size_and_rotation(built):
    _pdf, reader, _steps = built
    landscape = reader.pages[expected_starts()[2] - 1]
    assert landscape.mediabox.width > landscape.mediabox.height
    assert reader.pages[expected_starts()[3] - 1].rotation == 90
    assert reader.pages[0].mediabox.height > reader.pages[0].mediabox.width


def test_stamp_is_an_artifact(built):
    _pdf, reader, _steps = built
    data = reader.pages[3].get_contents().get_data()
    assert data.startswith(b"q") and b"/Artifact" in data and data.rstrip().endswith(b"EMC")


def test_progress_reports_vietnamese_steps(built):
    *_rest, steps = built
    assert f"Ghép văn bản {len(DOCS)}/{len(DOCS)}" in steps
    assert "Đóng dấu mã QR" in steps and steps[-1] == "Hoàn tất"


def test_code_survives_an_upside_down_noisy_jpeg_scan(built, tmp_path):
    pdf, _reader, _steps = built
    page = 4
    (tmp_path / "packet.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    str(tmp_path / "packet.pdf"), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("L").rotate(181.5, expand=True, fillcolor=255)
    rng = random.Random(5)
    pixels = image.load()
    for _ in range(image.width * image.height // 50):  # 2 % salt-and-pepper noise
        pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.choice((0, 255))
    image = image.filter(ImageFilter.GaussianBlur(0.7))
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=35)
    scan = Image.open(io.BytesIO(jpeg.getvalue()))
    expected = expected_codes(0)[page - 1]
    assert read_image_code(scan) == expected
    scan_pdf = io.BytesIO()
    scan.save(scan_pdf, "PDF", resolution=150)
    assert read_page_codes(scan_pdf.getvalue()) == [expected]


@pytest.mark.parametrize("packet, doc, page", [("P7K2Q", "D0042", 12), ("A", "B", 1),
                                               ("ABCDEFGHIJ", "0123456789", 99999)])
def test_payload_round_trip_is_short_alphanumeric(packet, doc, page):
    import segno

    text = qr_payload(packet, doc, page)
    assert parse_payload(text) == (packet, doc, page)
    code = segno.make(text, version=2, micro=False)
    assert code.mode == "alphanumeric" and len(text) <= 30


@pytest.mark.parametrize("packet, doc, page", [("P7K2Q", "D0042", 12),           # 17 characters: level H
                                               ("V1A2B3R4C", "D9Z9Z9", 4321),     # 25 characters: level Q
                                               ("ABCDEFGHIJ", "0123456789", 99999)])  # 30: level M
def test_drawn_modules_read_back_as_the_payload_at_every_length(packet, doc, page):
    import zxingcpp

    from service.packets.qr import qr_runs

    text = qr_payload(packet, doc, page)
    size, runs = qr_runs(text)
    assert size == 25   # always version 2: the printed module size does not depend on the page number
    scale, border = 6, 4
    image = Image.new("L", ((size + 2 * border) * scale,) * 2, 255)
    for x, y, length in runs:
        image.paste(0, ((x + border) * scale, (y + border) * scale, (x + border + length) * scale,
                        (y + border + 1) * scale))
    assert [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)] == [text]


@pytest.mark.parametrize("junk", ["", "KD:P7K2Q:D0042", "KD:p7k2q:D0042:1", "XX:P7K2Q:D0042:1",
                                  "KD:P7K2Q:D0042:0", "KD:P7K2Q:D0042:012", "KD:P7K2Q:D0042:1:2",
                                  "KD:P7K2Q:D-42:1", "https://example.org/KD:P7K2Q:D0042:1", None])
def test_parse_rejects_junk(junk):
    assert parse_payload(junk) is None


@pytest.mark.parametrize("packet, doc, page", [("p7k2q", "D1", 1), ("P7K2Q", "D 1", 1), ("P7K2Q", "", 1),
                                               ("P7K2Q", "D1", 0), ("P7K2Q", "ABCDEFGHIJK", 1), ("P", "D", True)])
def test_payload_refuses_what_it_cannot_carry(packet, doc, page):
    with pytest.raises(ValueError):
        qr_payload(packet, doc, page)


def truncated(parts) -> bytes:
    return parts[0].pdf[:200]


@pytest.mark.parametrize("make, doc_code", [(lambda parts: b"PK\x03\x04 not a pdf", "D0099"),
                                            (lambda parts: b"", "D0099"),
                                            (truncated, "D0099"),
                                            (lambda parts: parts[0].pdf, "d-99"),
                                            (lambda parts: parts[0].pdf, COVER_CODE)])
def test_a_bad_part_is_a_clear_error_naming_it(parts, make, doc_code):
    bad = Part(pdf=make(parts), title="Biên bản họp chi bộ", doc_code=doc_code, path=(UNIT,))
    with pytest.raises(PacketError) as caught:
        build_packet(INFO, [parts[0], bad])
    assert isinstance(caught.value, ServiceError)
    assert "«Biên bản họp chi bộ»" in caught.value.message


def test_empty_packet_and_bad_packet_code_are_refused(parts):
    with pytest.raises(PacketError):
        build_packet(INFO, [])
    with pytest.raises(PacketError):
        build_packet(PacketInfo(**{**INFO.__dict__, "packet_code": "p-1"}), parts)


def test_long_contents_spill_onto_more_pages_and_still_point_right(parts):
    many = [Part(pdf=parts[i % 2].pdf, title=f"Văn bản số {i + 1} của hồ sơ", doc_code=f"D{i:04d}",
                 path=(UNIT, f"Đảng viên {i // 3 + 1}")) for i in range(60)]
    printed = assemble_packet(INFO, many)
    pdf = printed.pdf
    texts = page_texts(pdf, layout=True)
    contents = [t for t in texts if "MỤC LỤC" in t]
    assert len(contents) >= 2 and all("MỤC LỤC" in t for t in texts[1:1 + len(contents)])
    listed = {m.group(1).strip(): int(m.group(2)) for t in contents
              for m in re.finditer(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", t, re.M)}
    assert len(listed) == 60
    for i in range(60):
        title = f"Văn bản số {i + 1} của hồ sơ"
        assert f"Mã kiểm tra {DOCS[i % 2][1]} trang 1" in texts[listed[title] - 1]
        assert f"Trang {listed[title]}/{len(texts)} · D{i:04d}" in texts[listed[title] - 1]
    # the spans say the same as the pages: cover, every contents page, then each part where the contents point
    spans = {span.doc_code: span for span in printed.spans}
    assert (spans["BIA"].first_page, spans["BIA"].page_count) == (1, 1)
    assert (spans["MUCLUC"].first_page, spans["MUCLUC"].page_count) == (2, len(contents))
    assert all(spans[f"D{i:04d}"].first_page == listed[f"Văn bản số {i + 1} của hồ sơ"] for i in range(60))
    assert sum(span.page_count for span in printed.spans) == len(texts)


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
@pytest.mark.parametrize("landscape", [False, True])
def test_stamp_sits_bottom_right_of_the_page_as_displayed(rotate, landscape, tmp_path):
    from pypdf.generic import RectangleObject
    import zxingcpp

    width, height = (842, 595) if landscape else (595, 842)
    writer = PdfWriter()
    page = writer.add_blank_page(width, height)  # no /Contents at all
    page.mediabox = RectangleObject([100, 50, 100 + width, 50 + height])  # an origin away from 0,0
    page.rotate(rotate)
    blank = io.BytesIO()
    writer.write(blank)
    pdf = build_packet(INFO, [Part(pdf=blank.getvalue(), title="Trang trắng", doc_code="D7")])
    (tmp_path / "p.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", "-singlefile", "-f", "3", "-l", "3",
                    str(tmp_path / "p.pdf"), str(tmp_path / "p")], check=True)
    image = Image.open(tmp_path / "p.png")
    w, h = image.size
    assert (w > h) == (landscape != (rotate in (90, 270)))
    corner = image.crop((int(w * 0.85), int(h * 0.85), w, h))  # the code and its quiet zone, nothing else
    assert [b.text for b in zxingcpp.read_barcodes(corner)] == ["KD:P7K2Q:D7:3"]
    assert "Trang 3/3 · D7" in page_texts(pdf)[2]

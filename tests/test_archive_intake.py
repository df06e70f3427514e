"""Intake of the scanned, signed dossier: which uploads are accepted and what users are told."""
from __future__ import annotations

import io
import struct
import time
import unicodedata
import zlib

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFile
from pypdf import PdfReader, PdfWriter

from service.archive import intake
from service.archive.intake import (
    AcceptedFile,
    FileRefused,
    Limits,
    UploadRefused,
    accept_file,
    accept_upload,
)
from service.archive.page_images import page_images

# ---------------------------------------------------------------------------------------------------------
# Fixtures built in memory


def make_pdf(pages: int = 3) -> bytes:
    """A vector A4 PDF with a line of text per page."""
    pdf = FPDF()
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("helvetica", size=24)
        pdf.text(20, 30, f"Trang {number}")
    return bytes(pdf.output())


def make_jpeg(size: tuple[int, int] = (400, 300), mode: str = "RGB", **save) -> bytes:
    """A noisy photo-like JPEG, so that cutting it leaves real entropy-coded data missing."""
    image = Image.effect_noise(size, 60).convert(mode)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, **save)
    return out.getvalue()


def make_png(size: tuple[int, int] = (320, 240), mode: str = "RGB") -> bytes:
    image = Image.effect_noise(size, 40).convert("RGB").convert(mode)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def make_tiff(sizes: list[tuple[int, int]]) -> bytes:
    frames = [Image.new("L", size, 255) for size in sizes]
    for frame in frames:
        ImageDraw.Draw(frame).rectangle((0, 0, 20, 10), fill=0)
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200))
    return out.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of width × height written by hand: all-zero rows compress to a few dozen KB."""
    row = b"\x00" + bytes((width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def encrypted(pdf: bytes, user_password: str, owner_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password=owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refusal(name: str, data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(FileRefused) as caught:
        accept_file(name, data, limits or Limits())
    assert caught.value.file_name == name
    assert caught.value.fields == {name: [caught.value.message]}
    return caught.value.message


# ---------------------------------------------------------------------------------------------------------
# Accepted files


def test_pdf_is_accepted_as_uploaded():
    data = make_pdf(3)
    accepted = accept_file("Bien-ban.pdf", data)
    assert accepted == AcceptedFile(name="Bien-ban.pdf", data=data, media_type="application/pdf", pages=3, pdf=data)


def test_jpeg_becomes_a_pdf_page_without_recompression():
    jpeg = make_jpeg(dpi=(300, 300))
    accepted = accept_file("trang-1.jpg", jpeg)
    assert (accepted.media_type, accepted.pages, accepted.data) == ("image/jpeg", 1, jpeg)
    assert jpeg in accepted.pdf  # embedded byte for byte
    page = PdfReader(io.BytesIO(accepted.pdf)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(400 / 300 * 72, abs=0.1)  # page size from the image's DPI


def test_image_without_dpi_gets_a_200_dpi_page():
    accepted = accept_file("a.png", make_png((1654, 200), "L"))
    page = PdfReader(io.BytesIO(accepted.pdf)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(1654 / 200 * 72, abs=0.1)


def test_png_and_multi_page_tiff_are_accepted():
    png = accept_file("ky.png", make_png())
    assert (png.media_type, png.pages) == ("image/png", 1)
    tiff = accept_file("ho-so.tif", make_tiff([(300, 400), (400, 300)]))
    assert (tiff.media_type, tiff.pages) == ("image/tiff", 2)
    assert len(PdfReader(io.BytesIO(tiff.pdf)).pages) == 2


@pytest.mark.parametrize("make", [
    lambda: make_png(mode="RGBA"),
    lambda: make_png(mode="LA"),
    lambda: make_png(mode="P"),
    lambda: make_jpeg(mode="CMYK"),
    lambda: make_jpeg(mode="L"),
    lambda: make_png(mode="1"),
], ids=["rgba-png", "la-png", "palette-png", "cmyk-jpeg", "grey-jpeg", "bilevel-png"])
def test_unusual_colour_modes_still_become_pdf_pages(make):
    accepted = accept_file("anh", make())
    assert accepted.pages == 1
    assert len(PdfReader(io.BytesIO(accepted.pdf)).pages) == 1


def test_sixteen_bit_images_become_pdf_pages():
    ramp = Image.linear_gradient("L").convert("I").point(lambda v: v * 257).convert("I;16")
    out = io.BytesIO()
    ramp.save(out, "TIFF", save_all=True, append_images=[ramp.copy()])  # img2pdf refuses >8-bit TIFF: flattened
    accepted = accept_file("scan16.tif", out.getvalue())
    assert accepted.pages == 2 and len(PdfReader(io.BytesIO(accepted.pdf)).pages) == 2
    assert [frame.getextrema() for frame in page_images(accepted)] == [(0, 255), (0, 255)]


def test_type_comes_from_content_and_name_is_cleaned():
    jpeg = make_jpeg()
    decomposed = unicodedata.normalize("NFD", "Biên bản họp.pdf")
    accepted = accept_file("C:\\Users\\bi thu\\" + decomposed, jpeg)
    assert accepted.name == "Biên bản họp.pdf" == unicodedata.normalize("NFC", accepted.name)
    assert accepted.media_type == "image/jpeg"  # the ".pdf" in the name changes nothing
    assert accept_file("../../etc/x.png", make_png()).name == "x.png"


# ---------------------------------------------------------------------------------------------------------
# Refused files


def test_renamed_executable_is_refused():
    message = refusal("ho-so.pdf", b"MZ\x90\x00\x03" + bytes(range(256)) * 8)
    assert message == ("Tệp “ho-so.pdf” không phải PDF, JPEG, PNG hay TIFF "
                       "(nhận dạng theo nội dung, không theo tên tệp).")


def test_empty_file_is_refused():
    assert refusal("a.pdf", b"") == "Tệp “a.pdf” trống (0 byte)."


def test_truncated_pdf_is_refused():
    data = make_pdf(3)
    half = data[: len(data) // 2]
    expected = "Tệp “c.pdf” bị hỏng hoặc không đầy đủ, không đọc được."
    assert refusal("c.pdf", half) == expected
    assert refusal("c.pdf", half + b"\nstartxref\n0\n%%EOF\n") == expected  # a forged end does not fool it


def test_pdf_without_pages_is_refused():
    out = io.BytesIO()
    PdfWriter().write(out)
    assert refusal("trang.pdf", out.getvalue()) == "Tệp “trang.pdf” không có trang nào."


def test_encrypted_pdfs_are_refused_even_without_a_password():
    data = make_pdf(1)
    assert refusal("b.pdf", encrypted(data, "mat-khau", "x")) == (
        "Tệp “b.pdf” đã được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi tải lên lại.")
    message = refusal("e.pdf", encrypted(data, "", "x"))
    assert message.startswith("Tệp “e.pdf” được mã hóa (dù mở không cần mật khẩu)")
    assert "không mã hóa" in message


def test_decompression_bomb_is_refused_from_the_header_without_decoding(monkeypatch):
    bomb = huge_png(20_000, 20_000)
    assert len(bomb) < 100_000

    def decode(self):
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    started = time.perf_counter()
    message = refusal("d.png", bomb)
    assert time.perf_counter() - started < 1
    assert message == "Tệp “d.png” quá lớn: 20000 × 20000 điểm ảnh (tối đa 80 triệu)."


def test_oversized_tiff_page_is_named():
    message = refusal("t.tif", make_tiff([(100, 100), (300, 200)]), Limits(max_pixels=50_000))
    assert message == "Tệp “t.tif” quá lớn: trang 2 có 300 × 200 điểm ảnh (tối đa 50.000)."


def test_truncated_jpeg_is_refused():
    jpeg = make_jpeg()
    assert refusal("anh.jpg", jpeg[: len(jpeg) // 2]) == "Tệp “anh.jpg” bị hỏng hoặc không đầy đủ, không đọc được."


def test_truncated_png_and_tiff_are_refused():
    png = make_png()
    assert "bị hỏng" in refusal("a.png", png[: len(png) // 2])
    tiff = make_tiff([(300, 400), (400, 300)])
    assert "bị hỏng" in refusal("a.tif", tiff[: len(tiff) // 2])


def test_file_over_the_size_limit_is_refused():
    assert refusal("x.pdf", make_pdf(1), Limits(max_file_bytes=500)).endswith("vượt quá 500 byte.")
    big = b"%PDF-1.7\n" + bytes(int(61.2 * 1024 * 1024))
    assert refusal("lon.pdf", big) == "Tệp “lon.pdf” nặng 61,2 MB, vượt quá 50 MB."


def test_too_many_pages_is_refused():
    assert refusal("x.pdf", make_pdf(3), Limits(max_pages=2)) == "Tệp “x.pdf” có 3 trang, vượt quá 2 trang cho phép."
    tiff = make_tiff([(50, 50)] * 4)
    assert refusal("x.tif", tiff, Limits(max_pages=2)) == "Tệp “x.tif” có 4 trang, vượt quá 2 trang cho phép."


# ---------------------------------------------------------------------------------------------------------
# A whole upload


def test_upload_reports_every_bad_file_and_stores_nothing():
    good = make_pdf(1)
    with pytest.raises(UploadRefused) as caught:
        accept_upload([("rong.pdf", b""), ("tot.pdf", good), ("virus.pdf", b"MZ" + bytes(100))])
    fields = caught.value.fields
    assert set(fields) == {"rong.pdf", "virus.pdf"}
    assert fields["rong.pdf"] == ["Tệp “rong.pdf” trống (0 byte)."]
    assert "không phải PDF" in fields["virus.pdf"][0]
    assert "chưa tệp nào được lưu" in caught.value.message


def test_upload_limits_on_the_request():
    data = make_pdf(1)
    with pytest.raises(UploadRefused) as caught:
        accept_upload([("a.pdf", data), ("b.pdf", data)], Limits(max_request_bytes=len(data) + 10))
    assert list(caught.value.fields) == ["files"]
    assert "vượt quá" in caught.value.fields["files"][0]
    with pytest.raises(UploadRefused) as caught:
        accept_upload([("a.pdf", data)] * 3, Limits(max_files=2))
    assert caught.value.fields["files"] == ["Tải lên 3 tệp một lần, vượt quá 2 tệp cho phép."]
    with pytest.raises(UploadRefused) as caught:
        accept_upload([])
    assert caught.value.fields == {"files": ["Chưa có tệp nào được tải lên."]}


def test_upload_accepts_files_in_order_even_with_the_same_name():
    pdf, jpeg = make_pdf(2), make_jpeg()
    accepted = accept_upload([("scan.pdf", pdf), ("scan.pdf", jpeg)])
    assert [(a.name, a.media_type, a.pages) for a in accepted] == [
        ("scan.pdf", "application/pdf", 2), ("scan.pdf", "image/jpeg", 1)]


def test_same_name_twice_lists_both_problems():
    with pytest.raises(UploadRefused) as caught:
        accept_upload([("x.pdf", b""), ("x.pdf", b"MZ")])
    assert len(caught.value.fields["x.pdf"]) == 2


def test_sizes_read_naturally_and_never_equal_the_limit():
    assert intake._over(int(61.24 * 1024 * 1024), 50 * 1024 * 1024) == "61,2 MB, vượt quá 50 MB"
    assert intake._over(50 * 1024 * 1024 + 1, 50 * 1024 * 1024) == "50,1 MB, vượt quá 50 MB"
    assert intake._over(1500, 1000) == "1,5 KB, vượt quá 1000 byte"


# ---------------------------------------------------------------------------------------------------------
# Hostile PDFs (issue 13): bombs, absurd pages, active content, misleading names


def test_a_flate_bomb_is_refused_while_decoding_without_holding_it_in_memory():
    import tracemalloc

    from tests.hostile_pdfs import flate_bomb

    bomb = flate_bomb()  # 30 pages of 74 MB of spaces each, ~2 MB on disk
    assert len(bomb) < 3 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused) as refused:
            accept_file("bom.pdf", bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "bom nén" in refused.value.message and "bom.pdf" in refused.value.message
    assert peak < 40 * 1024 * 1024, peak  # the file and one inflated chunk, never a page's 74 MB


def test_many_moderate_streams_are_refused_by_the_total_per_file():
    from tests.hostile_pdfs import flate_bomb

    pdf = flate_bomb(pages=12, spaces=10_000_000)  # each under the per-stream cap, 120 MB together
    with pytest.raises(FileRefused) as refused:
        accept_file("nhieu-trang.pdf", pdf)
    assert "nội dung các trang giải nén ra hơn" in refused.value.message


def test_a_bomb_hidden_in_a_form_drawn_by_the_page_is_refused():
    from tests.hostile_pdfs import _spaces_deflated, build_pdf

    form = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(_spaces_deflated(74_000_000)) + _spaces_deflated(74_000_000) + b"\nendstream")
    pdf = build_pdf([(b"", b"/F1 Do")], page_extra=b"/Resources << /XObject << /F1 5 0 R >> >> ",
                    extra_objects=[form])
    with pytest.raises(FileRefused) as refused:
        accept_file("bieu-mau.pdf", pdf)
    assert "bom nén" in refused.value.message


def test_a_page_a_billion_points_wide_is_refused_with_its_size():
    from tests.hostile_pdfs import huge_page_pdf

    with pytest.raises(FileRefused) as refused:
        accept_file("to.pdf", huge_page_pdf(1e9))
    assert "trang 1 có khổ" in refused.value.message and "vượt quá khổ lớn nhất 5,08 m" in refused.value.message
    assert accept_file("a0.pdf", huge_page_pdf(3370)).pages == 1  # A0 (2384 × 3370 pt) is a real sheet


def test_javascript_and_embedded_files_are_accepted_but_flagged():
    from tests.hostile_pdfs import attachment_pdf, javascript_pdf

    assert accept_file("js.pdf", javascript_pdf()).warnings == ("javascript",)
    assert accept_file("kem.pdf", attachment_pdf()).warnings == ("embedded_files",)
    assert accept_file("sach.pdf", make_pdf(1)).warnings == ()
    assert set(intake.ACTIVE_CONTENT) == {"javascript", "embedded_files"}


def test_bidi_and_invisible_characters_in_file_names_are_neutralised():
    reversed_exe = "hoadon\u202efdp.exe"  # shows as "hoadonexe.pdf" in a browser
    accepted = accept_file(reversed_exe, make_pdf(1))
    assert "\u202e" not in accepted.name and accepted.name == "hoadon fdp.exe"
    assert intake.neutral_name("a\u200bb\u2066c\u0085d") == "a b c d"
    assert intake.neutral_name("Biên bản họp chi bộ.pdf") == "Biên bản họp chi bộ.pdf"


def test_pages_are_read_in_a_separate_process_that_runs_out_of_its_own_memory_not_ours():
    import resource

    from service.archive.reader import ReaderBudget, ReadingFailed, read_codes

    out = io.BytesIO()
    Image.new("RGB", (6000, 8000), (250, 250, 250)).save(out, "PNG")
    page = accept_file("a3.png", out.getvalue())  # 48 Mpx: ~150 MB as RGB, more while read
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ReadingFailed) as failed:
        read_codes([page], Limits(), ReaderBudget(memory_mb=160))
    assert "quá nhiều bộ nhớ" in failed.value.message and "160 MB" in failed.value.message
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB: the test process kept calm
    assert read_codes([accept_file("trang.pdf", make_pdf(2))], Limits()) == [[None, None]]


def test_reading_stops_at_its_time_budget_with_a_message():
    from service.archive.reader import ReaderBudget, ReadingFailed, read_codes
    from tests.hostile_pdfs import blank_pdf

    blank = accept_file("300-trang.pdf", blank_pdf(300))
    with pytest.raises(ReadingFailed) as failed:
        read_codes([blank], Limits(), ReaderBudget(seconds_per_page=0.0, min_seconds=0.3, max_seconds=0.3))
    assert "quá thời gian cho phép" in failed.value.message and "300 trang" in failed.value.message

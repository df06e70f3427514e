"""Page images for QR matching: a scan's own image, the page's /Rotate, pdftoppm for the rest, TIFF frames."""
from __future__ import annotations

import io

import pytest
import segno
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from service.archive import page_images as page_images_module
from service.archive.intake import accept_file
from service.archive.page_images import page_images
from service.packets.qr import qr_payload, read_image_code
from tests.test_archive_intake import make_jpeg, make_pdf, make_tiff


@pytest.fixture
def no_pdftoppm(monkeypatch):
    """Fail the test if the module tries to rasterise a page."""

    def forbidden(*args, **kwargs):
        raise AssertionError(f"pdftoppm was called: {args[0][:8]}")

    monkeypatch.setattr(page_images_module.subprocess, "run", forbidden)


def scan_pdf(jpeg: bytes, rotate: int = 0) -> bytes:
    """A "scanned" PDF: one JPEG per page, as scanners make them."""
    pdf = accept_file("scan.jpg", jpeg).pdf
    if not rotate:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.pages[0][NameObject("/Rotate")] = NumberObject(rotate)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_scan_page_yields_its_embedded_image_without_rasterising(no_pdftoppm):
    jpeg = make_jpeg((640, 480))
    accepted = accept_file("scan.pdf", scan_pdf(jpeg))
    images = list(page_images(accepted))
    assert [image.size for image in images] == [(640, 480)]
    turned = list(page_images(accept_file("scan.pdf", scan_pdf(jpeg, rotate=90))))
    assert [image.size for image in turned] == [(480, 640)]  # the page's /Rotate is applied


def test_vector_page_is_rasterised_at_the_requested_dpi():
    accepted = accept_file("mau.pdf", make_pdf(3))
    images = list(page_images(accepted, dpi=50))
    assert len(images) == 3
    for image in images:
        assert image.mode == "L"
        assert image.size[0] == pytest.approx(210 / 25.4 * 50, abs=1)
        assert image.size[1] == pytest.approx(297 / 25.4 * 50, abs=1)


def test_tiff_yields_its_frames(no_pdftoppm):
    accepted = accept_file("ho-so.tif", make_tiff([(300, 400), (400, 300)]))
    assert [image.size for image in page_images(accepted)] == [(300, 400), (400, 300)]


def test_qr_code_on_a_scanned_page_is_read(no_pdftoppm):
    page = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    ImageDraw.Draw(page).text((100, 100), "BIEN BAN HOP", fill=0)
    symbol = io.BytesIO()
    segno.make(qr_payload("P7K2Q", "D0042", 12), version=2, error="m").save(symbol, kind="png", scale=4, border=4)
    page.paste(Image.open(symbol), (1240 - 200, 1754 - 200))
    out = io.BytesIO()
    page.save(out, "JPEG", quality=85, dpi=(150, 150))
    accepted = accept_file("da-ky.pdf", scan_pdf(out.getvalue()))
    assert [read_image_code(image) for image in page_images(accepted)] == ["KD:P7K2Q:D0042:12"]

"""Every kind of the catalog: a realistic sample renders, its template reads exactly what its form provides,
and page 1 still looks like its golden image (regenerate with UPDATE_GOLDEN=1 after an intended layout change)."""
from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from service import output, render
from service.catalog import all_kinds, get_kind
from service.samples import all_max_samples, all_samples

GOLDEN = Path(__file__).parent / "golden"
SAMPLES = all_samples()
MAX_SAMPLES = all_max_samples()
KIND_CODES = [k.code for k in all_kinds()]


def _context(code: str, payload: dict) -> dict:
    kind = get_kind(code)
    return kind.schema.context(kind, kind.schema.check(kind, payload))


def test_every_kind_has_a_sample_form_and_template():
    assert set(SAMPLES) == set(KIND_CODES)
    for kind in all_kinds():
        assert kind.template_path.exists(), kind.template
        assert kind.schema.describe()


@pytest.mark.parametrize("code", KIND_CODES)
def test_template_reads_exactly_what_the_form_provides(code):
    context = _context(code, SAMPLES[code]())
    assert render.template_variables(get_kind(code)) == set(context)


@pytest.mark.parametrize("code", sorted(MAX_SAMPLES))
def test_largest_tables_render(code):
    kind = get_kind(code)
    payload = MAX_SAMPLES[code]()
    rows = max((len(v) for v in payload.values() if isinstance(v, list)), default=0)
    assert rows >= 200
    docx = render.render(kind, _context(code, payload))
    assert b"w:tblHeader" in _document_xml(docx)


def _document_xml(docx: bytes) -> bytes:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")


def _first_page(pdf: bytes, tmp_path: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", "-singlefile", "-f", "1", "-l", "1", "-",
                    str(tmp_path / "page")], input=pdf, capture_output=True, check=True)
    return Image.open(tmp_path / "page.png").convert("L")


@pytest.mark.parametrize("code", KIND_CODES)
def test_first_page_looks_like_its_golden_image(code, converter, tmp_path):
    kind = get_kind(code)
    page = _first_page(output.produce(kind, _context(code, SAMPLES[code]()), "pdf", converter).content, tmp_path)
    golden_path = GOLDEN / f"{code}.png"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        page.save(golden_path, optimize=True)
    assert golden_path.exists(), f"no golden image for {code}: run the tests with UPDATE_GOLDEN=1 once"
    golden = Image.open(golden_path).convert("L")
    assert page.size == golden.size, f"{code}: page size changed {golden.size} → {page.size}"
    difference = ImageStat.Stat(ImageChops.difference(page, golden)).mean[0]
    assert difference < 6, f"{code}: page 1 differs from tests/golden/{code}.png (mean difference {difference:.1f})"

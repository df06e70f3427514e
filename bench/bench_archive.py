"""Reading a signed packet back: checks, QR matching per page, for a scan (JPEG pages in a PDF) and for a vector PDF
(a digitally signed export), plus storing the bytes.

Builds a packet of --pages text pages with the real packet code (fpdf2, no LibreOffice), prints it to 150 dpi grey
JPEGs that are skewed ±1–2° and grainy (as a scanner would), then times intake (accept_file), the per-page QR
reading (page_images + read_image_code) and the write-once store, and checks every page was matched.
Usage: .venv/bin/python bench/bench_archive.py [--pages 120] [--dpi 150]
"""
from __future__ import annotations

import argparse
import io
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

import img2pdf
from PIL import Image

from service.archive import intake
from service.archive.matching import LaidOutDoc, PageSeen, match
from service.archive.page_images import page_images
from service.archive.storage import LocalBlobStore
from service.packets import PacketInfo, Part, assemble_packet, read_image_code
from service.packets.fonts import SERIF, finish, font_path, new_document

LINE = "Đồng chí Trần Thị Ánh Tuyết: hoàn thành tốt nhiệm vụ; giữ gìn phẩm chất, đạo đức, lối sống."


def document(pages: int, title: str) -> bytes:
    """A text document of `pages` A4 pages in Vietnamese."""
    pdf = new_document()
    pdf.add_font("BenchSerif", "", font_path(SERIF[""]))
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("BenchSerif", size=13)
        pdf.multi_cell(0, 8, f"{title} – trang {page + 1}\n" + "\n".join([LINE] * 20))
    return finish(pdf)


def scanned(packet: bytes, dpi: int, folder: Path) -> bytes:
    """The packet printed and scanned: one skewed, grainy JPEG per page, in a PDF as scanners make them."""
    (folder / "p.pdf").write_bytes(packet)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(folder / "p.pdf"), str(folder / "s")],
                   check=True)
    jpegs = []
    for i, path in enumerate(sorted(folder.glob("s-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))):
        page = Image.open(path).convert("L").rotate((-1.5, 1, 2, -2)[i % 4], expand=True, fillcolor=255)
        page = Image.blend(page, Image.effect_noise(page.size, 40), 0.1)
        out = io.BytesIO()
        page.save(out, "JPEG", quality=70, dpi=(dpi, dpi))
        jpegs.append(out.getvalue())
    return img2pdf.convert(jpegs)


def measure(name: str, data: bytes, layout: list[LaidOutDoc], store: LocalBlobStore) -> None:
    t0 = time.perf_counter()
    accepted = intake.accept_file(name, data)
    t1 = time.perf_counter()
    codes = [read_image_code(image) for image in page_images(accepted)]
    t2 = time.perf_counter()
    store.put(accepted.data)
    t3 = time.perf_counter()
    result = match([PageSeen(1, n, c) for n, c in enumerate(codes, 1)], {"PBENCH": layout}, "PBENCH")
    complete = sum(d.complete for d in result.documents)
    print(f"{name}: {accepted.pages} pages, {len(data) / 1e6:.1f} MB | checks {(t1 - t0) * 1000:.0f} ms | "
          f"QR {(t2 - t1):.2f} s = {(t2 - t1) * 1000 / accepted.pages:.1f} ms/page | store {(t3 - t2) * 1000:.0f} ms"
          f" | matched {accepted.pages - len(result.unmatched)}/{accepted.pages}, documents complete "
          f"{complete}/{len(result.documents)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args()
    sizes = [3, 1, 2] * (args.pages // 6 + 1)
    parts, total = [], 0
    while total < args.pages:
        size = sizes[len(parts)]
        parts.append(Part(document(size, f"Văn bản {len(parts) + 1}"), f"Văn bản {len(parts) + 1}",
                          f"D{len(parts) + 1}", ("Chi bộ Thử",)))
        total += size
    printed = assemble_packet(PacketInfo("PBENCH", "Chi bộ Thử", 2026, "Quy định 366-QĐ/TW", date.today(), "HỒ SƠ"),
                              parts)
    packet = printed.pdf
    ids = {part.doc_code: i for i, part in enumerate(parts, 1)}
    layout = [LaidOutDoc("PBENCH", span.doc_code, ids.get(span.doc_code), span.doc_code, span.first_page,
                         span.page_count) for span in printed.spans]
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalBlobStore(Path(tmp) / "archive")
        t0 = time.perf_counter()
        scan = scanned(packet, args.dpi, Path(tmp))
        print(f"(making the scan: {time.perf_counter() - t0:.1f} s, not counted)")
        measure("vector PDF (as exported, e.g. then signed digitally)", packet, layout, store)
        measure(f"scan, JPEG pages at {args.dpi} dpi, skewed and grainy", scan, layout, store)


if __name__ == "__main__":
    main()

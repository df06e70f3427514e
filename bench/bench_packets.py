"""Packet assembly on its own: 100 parts (~200 pages) → cover, contents, bookmarks, stamp, compress.

Converts a handful of DOCX once with the warm pool, reuses the PDF bytes across parts, then times
build_packet (median of --repeat runs, step by step from its progress callback) and reading the QR
codes back from a few pages.
Usage: .venv/bin/python bench/bench_packets.py [--parts 100] [--repeat 3] [--distinct 5]
"""
from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader, PdfWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from service.convert import ConverterPool  # noqa: E402
from service.packets import PacketInfo, Part, build_packet, read_page_codes  # noqa: E402

LINE = ("Đồng chí Nguyễn Thị Ánh Tuyết — Hoàn thành xuất sắc nhiệm vụ; Đảng bộ phường Ậ Ệ Ộ. "
        "Ưu điểm: giữ gìn phẩm chất đạo đức, lối sống; gương mẫu thực hiện nhiệm vụ được giao.")
KINDS = [("Bản kiểm điểm cá nhân", 3, False), ("Bản cam kết tu dưỡng, rèn luyện", 1, False),
         ("Phiếu đánh giá, xếp loại", 2, False), ("Bảng tổng hợp kết quả", 1, True), ("Biên bản họp chi bộ", 3, False)]


def make_doc(title: str, pages: int, landscape: bool, serial: int = 0) -> bytes:
    """A review-like DOCX in Times New Roman with `pages` pages and a small table."""
    doc = Document()
    rfonts = doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), "Times New Roman")
    if landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for page in range(pages):
        if page:
            doc.add_page_break()
        doc.add_paragraph(f"{title.upper()} – SỐ {serial + 1}")
        for i in range(12):
            doc.add_paragraph(f"{i + 1}. {LINE}")
        table = doc.add_table(rows=4, cols=3)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = f"Tiêu chí {r}.{c}: Tốt"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def convert_docs(distinct: int) -> list[bytes]:
    """`distinct` different PDFs (cycling through the kinds), converted once with a warm pool."""
    with tempfile.TemporaryDirectory() as work:
        pool = ConverterPool(size=2, work_dir=work)
        try:
            with ThreadPoolExecutor(2) as ex:
                return list(ex.map(lambda i: pool.to_pdf(make_doc(*KINDS[i % len(KINDS)], serial=i),
                                                         name=KINDS[i % len(KINDS)][0]), range(distinct)))
        finally:
            pool.close()


def make_parts(pdfs: list[bytes], count: int) -> list[Part]:
    """Parts of one chi bộ, members' documents in turn; PDFs reused when fewer are distinct."""
    parts = []
    for i in range(count):
        k = i % len(KINDS)
        member = f"Đảng viên số {i // len(KINDS) + 1:02d}"
        parts.append(Part(pdf=pdfs[i % len(pdfs)], title=KINDS[k][0], doc_code=f"D{i + 1:04d}",
                          path=("Chi bộ Tổ Toán – Tin", member)))
    return parts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parts", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--distinct", type=int, default=len(KINDS),
                    help="distinct converted PDFs (reused bytes deduplicate, so the size is only realistic "
                         "with --distinct equal to --parts)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    pdfs = convert_docs(args.distinct)
    print(f"converted {len(pdfs)} distinct DOCX once: {time.perf_counter() - t0:.1f} s")
    parts = make_parts(pdfs, args.parts)
    info = PacketInfo("P7K2Q", "Chi bộ Tổ Toán – Tin", 2026, "Quy định 366-QĐ/TW", date(2026, 12, 5),
                      "HỒ SƠ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026")

    totals, steps_runs = [], []
    for _ in range(args.repeat):
        marks: list[tuple[str, float]] = []
        start = time.perf_counter()
        packet = build_packet(info, parts, progress=lambda step: marks.append(
            (re.sub(r" \d+/\d+$", "", step), time.perf_counter())))
        end = time.perf_counter()
        totals.append(end - start)
        steps: dict[str, float] = {}  # time from each step's report to the next one, per step name
        for (name, at), (_next, next_at) in zip(marks, marks[1:] + [("", end)]):
            steps[name] = steps.get(name, 0.0) + next_at - at
        steps_runs.append(steps)
    reader = PdfReader(io.BytesIO(packet))
    print(f"packet: {len(parts)} parts, {len(reader.pages)} pages, {len(packet) / 1e6:.2f} MB")
    print(f"build_packet (read + cover/contents + merge + stamp + compress + write): "
          f"median {statistics.median(totals):.2f} s over {args.repeat} runs ({', '.join(f'{t:.2f}' for t in totals)})")
    for name in steps_runs[0]:
        print(f"  {name:<22} {statistics.median(r.get(name, 0.0) for r in steps_runs):6.3f} s")

    unstamped = PdfWriter()
    for part in parts:
        unstamped.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
    unstamped.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    plain = io.BytesIO()
    unstamped.write(plain)
    print(f"plain merge of the same parts, compressed: {len(plain.getvalue()) / 1e6:.2f} MB")

    sample = PdfWriter()
    sample.append(reader, pages=(0, 10), import_outline=False)
    buf = io.BytesIO()
    sample.write(buf)
    t = time.perf_counter()
    codes = read_page_codes(buf.getvalue())
    print(f"read_page_codes, 10 pages at 150 dpi: {time.perf_counter() - t:.2f} s, "
          f"{sum(c is not None for c in codes)}/10 read")


if __name__ == "__main__":
    main()

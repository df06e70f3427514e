"""Warm pool vs a fresh `soffice --convert-to pdf` per document: docs/s, ratio, RSS per instance.

Usage: .venv/bin/python bench/bench_convert.py [-n 40] [--fresh 4] [--size CORES]
"""
from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from service.convert import ConverterPool

LINE = ("Đồng chí Nguyễn Thị Ánh Tuyết — Hoàn thành xuất sắc nhiệm vụ; Đảng bộ phường Ậ Ệ Ộ. "
        "Ưu điểm: giữ gìn phẩm chất đạo đức, lối sống; gương mẫu thực hiện nhiệm vụ được giao.")


def make_doc(n: int) -> bytes:
    """A 2–3 page review in Times New Roman with a heading, paragraphs and a small table."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), "Times New Roman")
    doc.add_paragraph(f"BẢN KIỂM ĐIỂM CÁ NHÂN SỐ {n}")
    for i in range(18):
        doc.add_paragraph(f"{i + 1}. {LINE} {LINE}")
    table = doc.add_table(rows=6, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"Tiêu chí {r}.{c}: Tốt"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def bench_pool(docs: list[bytes], size: int) -> tuple[float, float, list[dict]]:
    """Return (start seconds, docs/s with `size` parallel callers, instance info at the end)."""
    with tempfile.TemporaryDirectory() as work:
        pool = ConverterPool(size=size, work_dir=work)
        t0 = time.perf_counter()
        pool.start()
        started = time.perf_counter() - t0
        pool.to_pdf(docs[0])  # first document per process pays for filter loading
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=size) as ex:
            pdfs = list(ex.map(pool.to_pdf, docs))
        rate = len(docs) / (time.perf_counter() - t0)
        assert all(p.startswith(b"%PDF-") for p in pdfs)
        info = pool.stats["instances"]
        pool.close()
    return started, rate, info


def bench_fresh(docs: list[bytes]) -> float:
    """docs/s for one `soffice --headless --convert-to pdf` process per document (profile reused)."""
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        profile = (base / "profile").as_uri()
        t0 = time.perf_counter()
        for i, data in enumerate(docs):
            src = base / f"doc{i}.docx"
            src.write_bytes(data)
            subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
                            "--convert-to", "pdf", "--outdir", str(base), str(src)],
                           check=True, capture_output=True, timeout=120)
            if i == 0:
                t0 = time.perf_counter()  # the first call also creates the profile: not counted
        assert (base / f"doc{len(docs) - 1}.pdf").read_bytes().startswith(b"%PDF-")
    return (len(docs) - 1) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=40, help="documents through the pool")
    ap.add_argument("--fresh", type=int, default=4, help="documents through fresh soffice processes (+1 warm-up)")
    ap.add_argument("--size", type=int, default=None, help="pool size (default: cores)")
    args = ap.parse_args()

    docs = [make_doc(i) for i in range(args.n)]
    size = ConverterPool(size=args.size).size
    started, pool_rate, info = bench_pool(docs, size)
    fresh_rate = bench_fresh(docs[: args.fresh + 1])
    print(f"pool start ({size} instances, parallel): {started:.2f} s")
    print(f"pool, {size} instances, {args.n} docs: {pool_rate:.2f} docs/s ({1000 / pool_rate:.0f} ms/doc)")
    print(f"fresh soffice per doc, {args.fresh} docs: {fresh_rate:.2f} docs/s ({1000 / fresh_rate:.0f} ms/doc)")
    print(f"ratio pool/fresh: {pool_rate / fresh_rate:.1f}x")
    for i in info:
        print(f"instance {i['index']}: soffice.bin pid {i['soffice_pid']}, "
              f"VmRSS {i['rss_kib'] / 1024:.0f} MiB after {i['conversions']} docs")
    if any(i["rss_kib"] is None for i in info):
        print("(an instance was restarting when measured)", file=sys.stderr)


if __name__ == "__main__":
    main()

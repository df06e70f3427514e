"""Experiment (issue 15): would converting several documents joined into one DOCX, then splitting the PDF at named
destinations, be faster than one conversion per document — with the same layout?

Not used by the service. Result on this 2-core machine (demo chi bộ of 30, 95 documents, batches of 10, one run,
load ≈ 10–13 from other work): LibreOffice CPU 2.5–2.8 s batched against 5.5–6.2 s one by one (≈ 2.2× less; wall
4.3–5.6 s against 8.9–11 s), join + split ≈ 0.2 s of Python CPU. But the layout is NOT the same: 7 of the 95
documents (self-ratings) break their first page one heading earlier when they are not the first section of the
joined file (alone, or first of a batch, they are identical; removing the first-page header did not change that;
page breaks instead of section breaks were worse). A document whose pages differ between its single download and
the packet would carry different page numbers and QR codes for the same page, so batching was not built.

How the joining works (kept to be tried again on a later LibreOffice):
- only documents whose every part but the body is byte for byte the same (the same template) are joined;
- each document is its own section, with its own section properties, so it starts on a new page;
- templates whose content would carry over (numbered lists, fields, notes, comments, bookmarks, several
  sections) are never joined;
- each document's first paragraph opens a bookmark KDBATCH<i>, exported as a named destination
  (ConverterPool.to_pdf(..., dests=True)); the PDF is split at those pages, or refused if any is missing.

Usage: PYTHONPATH=. .venv/bin/python bench/exp_batch_convert.py [--members 30] [--batch 10]
"""
from __future__ import annotations

import copy
import hashlib
import io
import re
import zipfile

import pikepdf
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W
BODY = "word/document.xml"
MARK = "KDBATCH"       # bookmark names: KDBATCH0, KDBATCH1 … (a template's own bookmarks keep it out of batches)
# Parts other than the body that may differ between two renders of one template (timestamps, nothing of the layout).
_IGNORED = ("docProps/",)
# Parts whose presence means something that carries over or points between documents.
_REFUSED_PARTS = re.compile(r"word/(footnotes|endnotes|comments|commentsExtended|glossary/.*)\.xml")
_REFUSED_BODY = (b"<w:fldChar", b"<w:fldSimple", b"<w:bookmarkStart", b"<w:footnoteReference",
                 b"<w:endnoteReference", b"<w:commentReference", b"<w:numPr", b"<w:altChunk", b"<w:subDoc")


class BatchRefused(Exception):
    """The joined PDF could not be split back with certainty: convert one by one."""


def batch_key(docx: bytes) -> str | None:
    """What a DOCX must share with others to be joined with them (its template's parts), or None when it must be
    converted alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            names = sorted(archive.namelist())
            if BODY not in names:
                return None
            digest = hashlib.sha256(b"batch-1\0")
            for name in names:
                if _REFUSED_PARTS.fullmatch(name):
                    return None
                if name == BODY or name.startswith(_IGNORED):
                    continue
                data = archive.read(name)
                if name == "word/numbering.xml" and not _bullets_only(data):
                    return None
                digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
            body = archive.read(BODY)
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    if any(marker in body for marker in _REFUSED_BODY) or body.count(b"<w:sectPr") != 1:
        return None
    return digest.hexdigest()


def _bullets_only(numbering: bytes) -> bool:
    """True when every list level is a bullet (or nothing): a number would go on counting in the next document."""
    formats = set(re.findall(rb'<w:numFmt w:val="([A-Za-z]+)"', numbering))
    return formats <= {b"bullet", b"none"}


def join(docs: list[bytes]) -> bytes:
    """One DOCX holding `docs` (all of one batch_key) in order, each its own section, each opening on bookmark
    KDBATCH<i>."""
    if not docs:
        raise ValueError("nothing to join")
    contents, sections = [], []
    for docx in docs:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            root = etree.fromstring(archive.read(BODY))
        contents.append([c for c in root.find(_W + "body") if c.tag != _W + "sectPr"])
        sections.append(root.find(_W + "body").find(_W + "sectPr"))   # page size, orientation, margins: its own
    body = root.find(_W + "body")   # the last document's root holds the joined body
    for child in list(body):
        body.remove(child)
    for index, (content, sect) in enumerate(zip(contents, sections)):
        _mark(content, index)
        if index < len(contents) - 1:
            # The section break sits in an empty paragraph of its own, which LibreOffice's import drops (putting
            # it in the document's last paragraph changed documents ending in an empty paragraph).
            holder = etree.Element(_W + "p")
            content.append(holder)
            etree.SubElement(holder, _W + "pPr").append(copy.deepcopy(sect))
        body.extend(content)
    body.append(sections[-1])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docs[0])) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = (etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                    if item.filename == BODY else source.read(item.filename))
            target.writestr(item, data)
    return out.getvalue()


def _mark(content: list, index: int) -> None:
    """A bookmark at the start of the document's first paragraph (inside the first table cell if it opens with
    a table)."""
    first = next((p for c in content for p in ([c] if c.tag == _W + "p" else c.iter(_W + "p"))), None)
    if first is None:
        raise BatchRefused("a document without a paragraph")
    start = etree.Element(_W + "bookmarkStart")
    start.set(_W + "id", str(900000 + index))
    start.set(_W + "name", f"{MARK}{index}")
    end = etree.Element(_W + "bookmarkEnd")
    end.set(_W + "id", str(900000 + index))
    ppr = first.find(_W + "pPr")
    at = 1 if ppr is not None else 0
    first.insert(at, start)
    first.insert(at + 1, end)


def split(pdf: bytes, count: int) -> list[bytes]:
    """The joined PDF cut back into `count` PDFs at the named destinations KDBATCH0 … ; BatchRefused unless every
    destination is there, the first on page 1 and each after the one before."""
    with pikepdf.open(io.BytesIO(pdf)) as source:
        starts = _destinations(source)
        pages = len(source.pages)
        firsts = [starts.get(f"{MARK}{i}") for i in range(count)]
        if None in firsts or firsts[0] != 0 or any(b <= a for a, b in zip(firsts, firsts[1:])) or firsts[-1] >= pages:
            raise BatchRefused(f"destinations {firsts} over {pages} pages")
        out = []
        for i, first in enumerate(firsts):
            end = firsts[i + 1] if i + 1 < count else pages
            with pikepdf.new() as part:
                part.pages.extend(source.pages[first:end])
                for key in ("/Title", "/Producer", "/Creator"):
                    if key in source.docinfo:
                        part.docinfo[key] = source.docinfo[key]
                buffer = io.BytesIO()
                part.save(buffer, compress_streams=True, min_version=source.pdf_version)
                out.append(buffer.getvalue())
        return out


def _destinations(pdf: pikepdf.Pdf) -> dict[str, int]:
    """Named destination → 0-based page index (the /Dests name tree, or the old /Dests dictionary)."""
    page_index = {page.objgen: n for n, page in enumerate(pdf.pages)}
    found: dict[str, int] = {}

    def record(name, dest) -> None:
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.get("/D")
        if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], pikepdf.Dictionary):
            n = page_index.get(dest[0].objgen)
            if n is not None:
                found[str(name).lstrip("/")] = n

    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        for name, dest in pikepdf.NameTree(names.Dests).items():
            record(name, dest)
    old = pdf.Root.get("/Dests")
    if isinstance(old, pikepdf.Dictionary):
        for name, dest in old.items():
            record(name, dest)
    return found


def main() -> None:
    import argparse
    import atexit
    import collections
    import logging
    import os
    import resource
    import shutil
    import subprocess
    import sys
    import tempfile
    import time
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    root_dir = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root_dir))
    sys.path.insert(0, str(root_dir / "bench"))
    ap = argparse.ArgumentParser(description="batch conversion experiment")
    ap.add_argument("--members", type=int, default=30)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--size", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="exp-batch-"))
    atexit.register(shutil.rmtree, work, True)
    os.environ["DATA_DIR"] = str(work / "data")
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        os.environ.pop(name, None)
    from app import create_app
    from bench_packet import generate
    from service import dossier, render
    from service.convert import ConverterPool
    from service.convert.instance import _comm, group_pids
    from service.models import Unit

    app = create_app({"TESTING": True, "CONVERTER_AUTOSTART": False})
    logging.getLogger().setLevel(logging.WARNING)
    unit_id = generate(app, args.members, 2026)
    with app.extensions["db"].session() as session:
        plan = dossier.plan(session, session.get(Unit, unit_id), 2026, "chi_bo")
        docs = [render.without_page_numbers(dossier.render_docx(session, d)) for d in plan.docs]
        titles = [d.title for d in plan.docs]

    def soffice_cpu(pool) -> float:
        total = 0.0
        for inst in pool._instances:
            for pid in group_pids(inst.proc.pid):
                if _comm(pid) == "soffice.bin":
                    with open(f"/proc/{pid}/stat") as fh:
                        fields = fh.read().rsplit(")", 1)[1].split()
                    total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def own_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    groups = collections.defaultdict(list)
    for i, docx in enumerate(docs):
        groups[batch_key(docx)].append(i)
    batches = []
    for key, members in groups.items():
        step = 1 if key is None else args.batch
        batches += [members[j:j + step] for j in range(0, len(members), step)]
    print(f"{len(docs)} documents, {len(groups)} template group(s), {len(batches)} conversions when batched; "
          f"load {os.getloadavg()[0]:.1f}")
    with ConverterPool(args.size, work_dir=work / "converter") as pool:
        list(ThreadPoolExecutor(args.size).map(pool.to_pdf, docs[:2 * args.size]))

        def one_by_one():
            with ThreadPoolExecutor(args.size) as ex:
                return list(ex.map(pool.to_pdf, docs))

        def batched():
            def run(batch):
                if len(batch) == 1:
                    return [pool.to_pdf(docs[batch[0]])]
                return split(pool.to_pdf(join([docs[i] for i in batch]), dests=True), len(batch))
            out = [None] * len(docs)
            with ThreadPoolExecutor(args.size) as ex:
                for batch, pdfs in zip(batches, ex.map(run, batches)):
                    for i, pdf in zip(batch, pdfs):
                        out[i] = pdf
            return out

        results = {}
        for _ in range(2):
            for name, way in (("one by one", one_by_one), ("batched", batched)):
                office, mine, t0 = soffice_cpu(pool), own_cpu(), time.perf_counter()
                results[name] = way()
                wall = time.perf_counter() - t0
                print(f"{name:<11} wall {wall:5.2f} s ({len(docs) / wall:4.1f} documents/s), LibreOffice CPU "
                      f"{soffice_cpu(pool) - office:5.2f} s, this process CPU {own_cpu() - mine:4.2f} s, "
                      f"load {os.getloadavg()[0]:.1f}")
    differing = 0
    for i, (a, b) in enumerate(zip(results["one by one"], results["batched"])):
        pictures = []
        for tag, pdf in (("a", a), ("b", b)):
            (work / f"{tag}.pdf").write_bytes(pdf)
            subprocess.run(["pdftoppm", "-r", "40", "-gray", str(work / f"{tag}.pdf"), str(work / tag)], check=True)
            pictures.append([p.read_bytes() for p in sorted(work.glob(f"{tag}-*.pgm"))])
            for p in work.glob(f"{tag}-*.pgm"):
                p.unlink()
        if pictures[0] != pictures[1]:
            differing += 1
            print(f"  layout differs: {titles[i]} ({len(pictures[0])} pages alone, {len(pictures[1])} batched)")
    print(f"documents whose pages differ (40 dpi raster): {differing} of {len(docs)}")


if __name__ == "__main__":
    main()

"""Experiment (issue 15): would converting several documents joined into one DOCX, then splitting the PDF at named
destinations, be faster than one conversion per document — with the same layout?

Not used by the service: LibreOffice lays out some documents differently inside a longer file, and no way of
joining found here avoids that.

Cost (2-core machine, demo chi bộ of 30, 95 documents, shared with other work, load 3.7–5.0): LibreOffice CPU
2.95–4.15 s batched (batches of 5–10) against 6.2–7.7 s one by one (≈ 1.9–2.3× less), join + split ≈ 0.4–0.6 s
of Python CPU (0.2 s without the per-block bookmarks of --longest).

Layout (second look, 2026-12-07, LibreOffice 7.4.7): 7–8 of the 95 documents, all self-ratings ('Bản tự đánh giá,
xếp loại của cá nhân Quý, Năm', Mẫu 05-HD KĐ.ĐG), differ, in every order tried and at any place in a batch,
the first of a batch too. The top of their pages is identical (the header table is not moved: `pdftotext -bbox`
gives the same y for every line above the difference, so the idea of an extra paragraph before a table opening
a section is wrong). What differs is where page 1 ends at a keep-with-next chain: 'IV. Tự xếp loại mức chất
lượng' (style TieuDe2, keepNext) then four checkbox paragraphs, the first three with keepNext — a chain of 4
blocks with room for 2 lines left on page 1. Alone, LibreOffice puts the heading and the first checkbox on
page 1 (breaking the chain); in a longer file it moves the whole chain to page 2, or leaves the heading alone
on page 1 — three layouts of the same document, depending on what else is in the file:
- the document plus an empty paragraph, or plus a section of up to ~35 short paragraphs (3 pages in all): the
  alone layout; plus 50 or more (4 pages in all): page 1 changes — even with no section break at all (plain
  paragraphs in the same section), so it is not how sections, page styles or tables are imported;
- removing its headers, its first-page header (titlePg), cantSplit, or keepNext inside tables changed neither
  its alone layout nor the difference; forcing a relayout after loading (XRefreshable.refresh, the view's
  PageCount, jumping to the last page, toggling a layout setting) or loading without Hidden changed nothing;
- padding every conversion (alone too) with ~2 pages after a section break, cut off after export, changes
  those 7 alone layouts and still leaves 2–3 of 128 documents (demo + every kind's sample and 200-row
  variant) differing per order, at other chains (one a 15-block chain in a member review).
So Writer's layout of a long keep chain at a page bottom depends on the rest of the file (its layout loop,
not the DOCX structure); no join can be made to lay out such a document exactly as alone.

What does hold in these runs (3 orders × batches of 5, 8, 10 of the 95, and 2 orders × batches of 8 of the
128 samples): every document that differs has a keep-with-next chain of ≥ 3 blocks (a paragraph keeps with
the next by its own or its style's keepNext; a table when a paragraph in it does) cut by a page break or
opening a page, found from the joined PDF with a bookmark on every block (chains_at_breaks, --longest). But
that check catches 32 of 95 documents (every self-rating: its chain opens page 2; signature blocks opening a
last page), and converting those again alone leaves LibreOffice only ≈ 1.1–1.3× less CPU than one by one —
not worth a second layout path whose equality with the single download is only observed, not guaranteed.

How the joining works (kept to be tried again on a later LibreOffice):
- only documents whose every part but the body is byte for byte the same are joined (the built-in templates
  all share those parts: the 95 documents and the 33 samples form one group);
- each document is its own section, with its own section properties, so it starts on a new page;
- templates whose content would carry over (numbered lists, fields, notes, comments, bookmarks, several
  sections) are never joined;
- each document's first paragraph opens a bookmark KDBATCH<i>, exported as a named destination
  (ConverterPool.to_pdf(..., dests=True)); the PDF is split at those pages, or refused if any is missing.

Usage: PYTHONPATH=. .venv/bin/python bench/exp_batch_convert.py [--members 30] [--batch 10] [--seed N]
[--longest 3]
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


def join(docs: list[bytes], blocks: bool = False) -> bytes:
    """One DOCX holding `docs` (all of one batch_key) in order, each its own section, each opening on bookmark
    KDBATCH<i>; with `blocks`, every top-level paragraph or table j of document i also opens a bookmark
    KDB<i>X<j> (for chains_at_breaks; an underscore would come out of the PDF as #5F)."""
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
    ident = 800000
    for index, (content, sect) in enumerate(zip(contents, sections)):
        _mark(content, index)
        for j, block in enumerate(content if blocks else ()):
            first = block if block.tag == _W + "p" else next(block.iter(_W + "p"), None)
            if first is not None:
                ident += 1
                _bookmark(first, f"KDB{index}X{j}", ident)
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
    _bookmark(first, f"{MARK}{index}", 900000 + index)


def _bookmark(paragraph, name: str, ident: int) -> None:
    """An empty bookmark `name` at the start of `paragraph` (after its properties)."""
    start = etree.Element(_W + "bookmarkStart")
    start.set(_W + "id", str(ident))
    start.set(_W + "name", name)
    end = etree.Element(_W + "bookmarkEnd")
    end.set(_W + "id", str(ident))
    at = 1 if paragraph.find(_W + "pPr") is not None else 0
    paragraph.insert(at, start)
    paragraph.insert(at + 1, end)


def keep_flags(docx: bytes) -> list[bool]:
    """For each top-level block of the body (as join numbers them): does it keep with the next one (a paragraph's
    own or its style's w:keepNext; a table when any paragraph in it has one)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        root = etree.fromstring(archive.read(BODY))
        styles = _keep_styles(archive.read("word/styles.xml")) if "word/styles.xml" in archive.namelist() else set()

    def keeps(p) -> bool:
        ppr = p.find(_W + "pPr")
        if ppr is None:
            return False
        own = ppr.find(_W + "keepNext")
        if own is not None:
            return own.get(_W + "val") not in ("0", "false", "off")
        style = ppr.find(_W + "pStyle")
        return style is not None and style.get(_W + "val") in styles

    blocks = [c for c in root.find(_W + "body") if c.tag != _W + "sectPr"]
    return [keeps(b) if b.tag == _W + "p" else any(keeps(p) for p in b.iter(_W + "p")) for b in blocks]


def _keep_styles(styles: bytes) -> set[str]:
    """Paragraph style ids whose own or inherited (basedOn) properties say keepNext."""
    root = etree.fromstring(styles)
    based, own = {}, {}
    for style in root.iter(_W + "style"):
        sid = style.get(_W + "styleId")
        base = style.find(_W + "basedOn")
        based[sid] = base.get(_W + "val") if base is not None else None
        keep = style.find(f"{_W}pPr/{_W}keepNext")
        own[sid] = None if keep is None else keep.get(_W + "val") not in ("0", "false", "off")
    found = set()
    for sid in based:
        at, seen = sid, set()
        while at and at not in seen:
            seen.add(at)
            if own.get(at) is not None:
                if own[at]:
                    found.add(sid)
                break
            at = based.get(at)
    return found


def chains_at_breaks(pdf: bytes, flags: list[list[bool]], longest: int = 3) -> list[list[tuple[int, int, str]]]:
    """Per joined document (joined with blocks=True, `flags` from keep_flags): its keep-with-next chains of at
    least `longest` blocks that a page break cuts ('inside') or that open a page ('starts page'), as
    (first block, length, where). Those are where LibreOffice's layout was seen to depend on what else is in
    the file; a document with none kept its single conversion's layout in every run of this experiment."""
    with pikepdf.open(io.BytesIO(pdf)) as source:
        dests = _destinations(source)
    out = []
    for i, keep in enumerate(flags):
        pages = [dests.get(f"KDB{i}X{j}") for j in range(len(keep))]
        found, j = [], 0
        while j < len(keep):
            if not keep[j]:
                j += 1
                continue
            k = j
            while k < len(keep) and keep[k]:
                k += 1
            follower = min(k, len(keep) - 1)
            if k - j >= longest:
                if None in pages[j:follower + 1] or pages[j] != pages[follower]:
                    found.append((j, k - j, "inside"))
                elif j > 0 and pages[j - 1] != pages[j]:
                    found.append((j, k - j, "starts page"))
            j = k
        out.append(found)
    return out


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
    import random
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
    ap.add_argument("--seed", type=int, default=None, help="shuffle each template group's order with this seed")
    ap.add_argument("--longest", type=int, default=3, help="keep chains this long at a page break: converted alone")
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
        if args.seed is not None:
            random.Random(args.seed).shuffle(members)
        step = 1 if key is None else args.batch
        batches += [members[j:j + step] for j in range(0, len(members), step)]
    print(f"{len(docs)} documents, {len(groups)} template group(s), {len(batches)} conversions when batched; "
          f"load {os.getloadavg()[0]:.1f}")
    with ConverterPool(args.size, work_dir=work / "converter") as pool:
        list(ThreadPoolExecutor(args.size).map(pool.to_pdf, docs[:2 * args.size]))

        def one_by_one():
            with ThreadPoolExecutor(args.size) as ex:
                return list(ex.map(pool.to_pdf, docs))

        flags = [keep_flags(docx) for docx in docs]
        at_risk: dict[int, list] = {}

        def batched():
            def run(batch):
                if len(batch) == 1:
                    return [pool.to_pdf(docs[batch[0]])], [[]]
                pdf = pool.to_pdf(join([docs[i] for i in batch], blocks=True), dests=True)
                return split(pdf, len(batch)), chains_at_breaks(pdf, [flags[i] for i in batch], args.longest)
            out = [None] * len(docs)
            with ThreadPoolExecutor(args.size) as ex:
                for batch, (pdfs, chains) in zip(batches, ex.map(run, batches)):
                    for i, pdf, found in zip(batch, pdfs, chains):
                        out[i] = pdf
                        if found:
                            at_risk[i] = found
            return out

        results, office_cpu = {}, {}
        for _ in range(2):
            for name, way in (("one by one", one_by_one), ("batched", batched)):
                office, mine, t0 = soffice_cpu(pool), own_cpu(), time.perf_counter()
                results[name] = way()
                wall = time.perf_counter() - t0
                office_cpu[name] = soffice_cpu(pool) - office
                print(f"{name:<11} wall {wall:5.2f} s ({len(docs) / wall:4.1f} documents/s), LibreOffice CPU "
                      f"{soffice_cpu(pool) - office:5.2f} s, this process CPU {own_cpu() - mine:4.2f} s, "
                      f"load {os.getloadavg()[0]:.1f}")
    differing, missed = 0, 0
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
            missed += i not in at_risk
            print(f"  layout differs: {titles[i]} ({len(pictures[0])} pages alone, {len(pictures[1])} batched; "
                  f"keep chains ≥ {args.longest} at a page break: {at_risk.get(i) or 'none'})")
    print(f"documents whose pages differ (40 dpi raster): {differing} of {len(docs)}; "
          f"{missed} of them without a keep chain ≥ {args.longest} at a page break")
    fallback = office_cpu["batched"] + len(at_risk) * office_cpu["one by one"] / len(docs)
    print(f"with a keep chain ≥ {args.longest} at a page break, converted again alone: {len(at_risk)} documents; "
          f"LibreOffice CPU ≈ {fallback:.2f} s against {office_cpu['one by one']:.2f} s one by one "
          f"({office_cpu['one by one'] / fallback:.2f}× less)")


if __name__ == "__main__":
    main()

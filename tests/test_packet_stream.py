"""A packet written section by section (service.packets.stream): the same packet as qpdf's assembly, read back page
by page, with each section's numbered pages reused when its numbers are the same, and one section open at a time."""
from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from service.packets import PacketError, assemble_packet, read_page_codes, stamp_part
from service.packets import stream as streaming
from service.packets.stream import Section, assemble_sections
from tests.test_packets import INFO, page_texts, parts  # noqa: F401 - the fixture

PRINT_CODES = ["V1R1", "V2R1", "V3R2", "V4R1"]


def outline(reader: PdfReader, items=None, depth: int = 0) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark."""
    out = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += outline(reader, item, depth + 1)
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    return out


def write_section(path: Path, parts_in: list) -> list:
    """A part file as packet_parts.build_part writes it (QR codes on, no page numbers); its parts point into it."""
    placed = []
    with pikepdf.new() as section:
        for part in parts_in:
            with pikepdf.open(io.BytesIO(stamp_part(part.pdf, part.print_code, part.doc_code, part.title))) as one:
                first = len(section.pages)
                section.pages.extend(one.pages)
                placed.append(replace(part, pdf=path, qr_done=True, pages=(first, len(one.pages))))
        section.save(path, compress_streams=True)
    return placed


@pytest.fixture(scope="module")
def coded(parts):  # noqa: F811 - the fixture imported above
    return [replace(p, print_code=code) for p, code in zip(parts, PRINT_CODES)]


@pytest.fixture
def sections(coded, tmp_path) -> list[Section]:
    return [Section(tmp_path / "a.pdf", write_section(tmp_path / "a.pdf", coded[:2]), tmp_path / "stamped-a"),
            Section(tmp_path / "b.pdf", write_section(tmp_path / "b.pdf", coded[2:]), tmp_path / "stamped-b")]


def test_streamed_packet_is_the_packet_qpdf_assembles(coded, sections, tmp_path):
    reference = assemble_packet(INFO, coded)
    steps: list[str] = []
    printed = assemble_sections(INFO, sections, to=tmp_path / "packet.pdf", progress=steps.append)
    data = (tmp_path / "packet.pdf").read_bytes()
    assert printed.pdf == b"" and printed.spans == reference.spans
    ours, theirs = PdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(reference.pdf))
    assert len(ours.pages) == len(theirs.pages) == 2 + 6
    assert page_texts(data) == page_texts(reference.pdf)   # order, "Trang x/y · CODE" on every page, the cover
    for number, text in enumerate(page_texts(data), 1):
        assert text.count("Trang ") == 1 and f"Trang {number}/8" in text
    assert outline(ours) == outline(theirs)
    assert [p.rotation for p in ours.pages] == [p.rotation for p in theirs.pages]
    assert [tuple(p.mediabox) for p in ours.pages] == [tuple(p.mediabox) for p in theirs.pages]
    assert read_page_codes(data, dpi=100) == read_page_codes(reference.pdf, dpi=100)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert str(pdf.Root.Lang) == "vi-VN" and pdf.Root.PageMode == pikepdf.Name.UseOutlines
        assert str(pdf.docinfo.Title) == INFO.title and str(pdf.docinfo.Keywords) == f"hồ sơ {INFO.packet_code}"
        with pdf.open_metadata() as meta:
            assert meta["dc:title"] == INFO.title
        assert pdf.get_warnings() == []
    assert steps[0] == "Lập bìa và mục lục" and steps[-1] == "Hoàn tất"


def test_serialized_sections_are_reused_even_when_their_page_numbers_change(coded, sections, tmp_path):
    spent: dict = {}
    assemble_sections(INFO, sections, to=tmp_path / "1.pdf", timings=spent)
    assert spent["sections_stamped"] == 2
    assemble_sections(replace(INFO, packet_code="P9"), sections, to=tmp_path / "2.pdf", timings=spent)
    assert spent["sections_stamped"] == 0   # another packet of the same documents: nothing numbered again
    first, second = (page_texts((tmp_path / name).read_bytes()) for name in ("1.pdf", "2.pdf"))
    assert second[1:] == first[1:] and "P9" in second[0]   # only the cover's packet code differs
    # the first section loses a document: the second one's page numbers move, its serialized objects do not
    shorter = [Section(tmp_path / "a2.pdf", write_section(tmp_path / "a2.pdf", coded[:1]), tmp_path / "stamped-a2"),
               sections[1]]
    printed = assemble_sections(INFO, shorter, to=tmp_path / "3.pdf", timings=spent)
    assert spent["sections_stamped"] == 1
    texts = page_texts((tmp_path / "3.pdf").read_bytes())
    assert len(texts) == 2 + 1 + 2
    for number, text in enumerate(texts, 1):
        assert f"Trang {number}/5" in text
    assert [(s.doc_code, s.first_page, s.page_count) for s in printed.spans[2:]] == [
        ("D0001", 3, 1), ("D0043", 4, 1), ("D0050", 5, 1)]
    assert [p.name for p in (tmp_path / "stamped-b").iterdir()] == [streaming.FORMAT]


def test_each_section_is_opened_alone_and_writing_the_packet_opens_none(sections, tmp_path, monkeypatch):
    """What keeps memory flat: a section's PDF is open only while it is numbered, one at a time, and the packet
    file is written from the numbered sections' bytes (no PDF object graph of the packet is ever built)."""
    real_open, real_stamp = pikepdf.open, streaming.stamp_section
    state = {"open_sections": 0, "most": 0, "writing": False, "opened_while_writing": []}

    def counting_stamp(*args, **kwargs):
        state["open_sections"] += 1
        state["most"] = max(state["most"], state["open_sections"])
        try:
            return real_stamp(*args, **kwargs)
        finally:
            state["open_sections"] -= 1

    def watching_open(source, *args, **kwargs):
        if state["writing"]:
            state["opened_while_writing"].append(source)
        return real_open(source, *args, **kwargs)

    real_place = streaming._Writer.place

    def placing(self, *args, **kwargs):
        state["writing"] = True
        return real_place(self, *args, **kwargs)

    monkeypatch.setattr(streaming, "stamp_section", counting_stamp)
    monkeypatch.setattr(pikepdf, "open", watching_open)
    monkeypatch.setattr(streaming._Writer, "place", placing)
    monkeypatch.setattr(streaming, "OBJSTM_SIZE", 7)   # object streams flushed as they fill, never held for long
    assemble_sections(INFO, sections, to=tmp_path / "p.pdf")
    assert state["most"] == 1 and state["opened_while_writing"] == []
    with real_open(tmp_path / "p.pdf") as pdf:
        assert len(pdf.pages) == 8 and pdf.get_warnings() == []


def test_a_section_whose_file_does_not_match_its_documents_is_refused(sections, tmp_path):
    broken = Section(sections[0].pdf, [replace(sections[0].parts[0], pages=(0, 2)), sections[0].parts[1]],
                     tmp_path / "stamped-x")
    with pytest.raises(PacketError) as err:
        assemble_sections(INFO, [broken, sections[1]], to=tmp_path / "x.pdf")
    assert "Báo cáo kiểm điểm tập thể" in err.value.message or "Bản kiểm điểm cá nhân" in err.value.message


def test_the_front_is_kept_for_another_worker(sections, tmp_path, monkeypatch):
    """A đảng bộ's cover and 350 pages of contents take seconds to draw: kept in a folder any worker reads."""
    from service.packets import cover

    fronts = tmp_path / "fronts"
    assemble_sections(INFO, sections, to=tmp_path / "1.pdf", fronts=fronts)
    assert len(list(fronts.glob("*.front"))) == 1
    monkeypatch.setattr(cover, "_FRONTS", type(cover._FRONTS)())   # another process: nothing in memory

    def not_again(*_args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(cover, "_render_front", not_again)
    assemble_sections(replace(INFO, packet_code="P9"), sections, to=tmp_path / "2.pdf", fronts=fronts)
    texts = page_texts((tmp_path / "2.pdf").read_bytes())
    assert "P9" in texts[0] and all(f"Trang {n}/8" in t for n, t in enumerate(texts, 1))


def test_a_damaged_section_file_is_named_by_its_unit(sections, tmp_path):
    """Junk, or a file cut short (qpdf then reads fewer pages than its documents have): the unit and documents."""
    for n, data in enumerate([b"%PDF-1.7 junk", sections[1].pdf.read_bytes()[:300]]):
        damaged = tmp_path / f"damaged{n}.pdf"
        damaged.write_bytes(data)
        broken = replace(sections[1], pdf=damaged, stamped_dir=tmp_path / f"stamped-d{n}", name="Chi bộ số 4")
        with pytest.raises(PacketError) as err:
            assemble_sections(INFO, [sections[0], broken], to=tmp_path / "x.pdf")
        message = err.value.message
        assert message.startswith("Chi bộ số 4: tệp ghép") and "«Bảng tổng hợp kết quả xếp loại»" in message
        assert not list(tmp_path.glob(".stamped-*"))   # its temporary folder is gone

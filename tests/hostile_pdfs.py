"""Hand-built PDFs an attacker would upload: Flate bombs, absurd page sizes, JavaScript, embedded files; and the
honest blank packet the benchmark uploads by the hundred pages. Shared by the tests and bench/."""
from __future__ import annotations

import zlib
from functools import lru_cache


def build_pdf(pages: list[tuple[bytes, bytes]], *, catalog_extra: bytes = b"", extra_objects: list[bytes] = (),
              page_extra: bytes = b"", box: bytes = b"[0 0 595 842]") -> bytes:
    """A PDF with a classic xref table. `pages` holds (content stream dictionary entries, stream bytes) per page;
    extra objects are numbered from 3 + 2 × pages on, in order."""
    objects: list[bytes] = []
    kids = []
    first_extra = 3 + 2 * len(pages)
    for i, (stream_dict, data) in enumerate(pages):
        page_num, content_num = 3 + 2 * i, 4 + 2 * i
        kids.append(b"%d 0 R" % page_num)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" /Contents %d 0 R " % content_num
                       + page_extra + b">>")
        objects.append(b"<< /Length %d " % len(data) + stream_dict + b">>\nstream\n" + data + b"\nendstream")
    catalog = b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>"
    tree = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages)
    body = [catalog, tree, *objects, *extra_objects]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(body, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    assert first_extra == 3 + 2 * len(pages)
    return bytes(out)


@lru_cache(maxsize=4)
def _spaces_deflated(size: int) -> bytes:
    packer = zlib.compressobj(9)
    block = b" " * (1 << 20)
    chunks = [packer.compress(block) for _ in range(size >> 20)]
    chunks.append(packer.compress(b" " * (size & ((1 << 20) - 1))))
    return b"".join(chunks) + packer.flush()


def flate_bomb(pages: int = 30, spaces: int = 74_000_000) -> bytes:
    """The issue's bomb: each page's content is `spaces` spaces deflated to ~72 kB (a valid, blank page)."""
    stream = _spaces_deflated(spaces)
    return build_pdf([(b"/Filter /FlateDecode ", stream)] * pages)


def blank_pdf(pages: int = 300) -> bytes:
    """An honest file: `pages` A4 pages with one short line of drawing each (so each page is rendered)."""
    return build_pdf([(b"", b"0.9 g 10 10 5 5 re f")] * pages)


def huge_page_pdf(points: float = 1e9) -> bytes:
    """One page of `points` × `points` pt."""
    return build_pdf([(b"", b"0 0 10 10 re f")], box=b"[0 0 %d %d]" % (points, points))


def javascript_pdf() -> bytes:
    """A one-page PDF that runs JavaScript when opened."""
    action = len([0]) + 4  # object after catalog, pages tree, page, content: number 5
    return build_pdf([(b"", b"0 0 10 10 re f")], catalog_extra=b"/OpenAction %d 0 R " % action,
                     extra_objects=[b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"])


def attachment_pdf() -> bytes:
    """A one-page PDF carrying an embedded file in its name tree."""
    return build_pdf([(b"", b"0 0 10 10 re f")], catalog_extra=b"/Names << /EmbeddedFiles 5 0 R >> ",
                     extra_objects=[b"<< /Names [(virus.exe) 6 0 R] >>",
                                    b"<< /Type /Filespec /F (virus.exe) /EF << /F 7 0 R >> >>",
                                    b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"])

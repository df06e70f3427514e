"""Job tasks for tests/test_jobs.py, in their own module so a real RQ worker can import them."""
from __future__ import annotations

import os
import time

from service.errors import ServiceError
from service.jobs import JobContext, register

MEMBER = "Bản kiểm điểm – Trần Thị Ánh Tuyết"
FAILING = "Bản kiểm điểm – Lê Minh Đức"


@register("test_sleepy")
def sleepy(ctx: JobContext, steps: int = 10, delay: float = 0.1) -> dict[str, str]:
    """Report progress over `steps` steps, leaving a partial file while it works; honours cancellation."""
    ctx.write_bytes("partial.txt", b"half a packet")
    for i in range(steps):
        ctx.check_cancelled()
        ctx.progress(i, steps, f"Chuyển PDF: {MEMBER} ({i + 1}/{steps})")
        time.sleep(delay)
    ctx.progress(steps, steps, "Xong")
    return {"txt": ctx.write_bytes("out.txt", f"{steps} bước".encode())}


@register("test_boom")
def boom(ctx: JobContext) -> dict[str, str]:
    """Fail on one named document after writing a part."""
    ctx.progress(0, 2, f"Tạo văn bản: {MEMBER}")
    ctx.write_bytes("part-1.docx", b"first part")
    ctx.progress(1, 2, f"Tạo văn bản: {FAILING}")
    raise ServiceError(f"Không tạo được văn bản “{FAILING}”")


@register("test_crash")
def crash(ctx: JobContext) -> dict[str, str]:
    """A bug: not a ServiceError."""
    raise RuntimeError("internal detail that users must not see")


@register("test_writer")
def writer(ctx: JobContext, text: str = "hồ sơ") -> dict[str, str]:
    """Produce two result files, the ZIP streamed."""
    ctx.progress(0, 1, "Ghép hồ sơ")
    pdf = ctx.write_bytes("packet.pdf", b"%PDF-1.7\n" + text.encode())
    with ctx.open_atomic("packet.zip") as fh:
        fh.write(b"PK" + text.encode())
    ctx.progress(1, 1, "Xong")
    return {"pdf": pdf, "zip": "packet.zip"}


@register("test_stubborn")
def stubborn(ctx: JobContext, seconds: float = 30) -> dict[str, str]:
    """Never checks cancellation (a stuck conversion): only a hard stop ends it early."""
    ctx.write_bytes("partial.txt", b"stuck")
    ctx.progress(0, 1, "Chuyển PDF (treo)")
    time.sleep(seconds)
    return {"txt": ctx.write_bytes("out.txt", b"late")}


@register("test_die")
def die(ctx: JobContext) -> dict[str, str]:
    """The process running the job vanishes (only ever run in an RQ work-horse)."""
    ctx.progress(0, 1, "Sắp chết")
    ctx.write_bytes("partial.txt", b"orphan")
    os._exit(1)

"""Is LibreOffice usable here? A cheap check, separate from running it (like OCRmyPDF's probes)."""
from __future__ import annotations

import shutil
import subprocess


def probe(soffice: str = "soffice", python: str = "/usr/bin/python3") -> str | None:
    """Return None when soffice and a python with `uno` are present, else a Vietnamese reason."""
    if shutil.which(soffice) is None:
        return f"Không tìm thấy LibreOffice ({soffice}) trên máy chủ: cần cài gói libreoffice-writer-nogui."
    if shutil.which(python) is None:
        return f"Không tìm thấy Python hệ thống ({python}) để điều khiển LibreOffice."
    try:
        done = subprocess.run([python, "-I", "-c", "import uno"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Không chạy được Python hệ thống ({python}) để điều khiển LibreOffice: {exc}."
    if done.returncode != 0:
        return f"Python hệ thống ({python}) không có mô-đun uno: cần cài gói python3-uno."
    return None

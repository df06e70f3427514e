"""Sending produced files with a safe Content-Disposition (ASCII name, no caching)."""
from __future__ import annotations

import io

from flask import Response, send_file

from service.output import OutputFile


def send_output(out: OutputFile) -> Response:
    """The file as an attachment under its catalog name."""
    return send_file(io.BytesIO(out.content), mimetype=out.mimetype, as_attachment=True,
                     download_name=out.filename, max_age=0)

"""Sending produced files with a safe Content-Disposition (ASCII name, no caching)."""
from __future__ import annotations

import io

from flask import Response, send_file

import forms
from service import output
from service.catalog import DocumentKind
from service.output import OutputFile

from .pdf import converter


def send_output(out: OutputFile) -> Response:
    """The file as an attachment under its catalog name."""
    return send_file(io.BytesIO(out.content), mimetype=out.mimetype, as_attachment=True,
                     download_name=out.filename, max_age=0)


def document_file(kind: DocumentKind, values: dict, fmt: str) -> Response:
    """Check the values as a final document (InvalidInput lists what is wrong), then send the file."""
    data = kind.form_class().from_json(values, kind=kind).check()
    return send_output(output.produce(kind, forms.context_for(kind, data), fmt, converter()))

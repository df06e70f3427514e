"""Sending produced files with a safe Content-Disposition (ASCII name, no caching)."""
from __future__ import annotations

import io
from flask import Response, send_file

from service import dossier, output, templates, unit_rules
from service.archive import audit
from service.archive.audit import Actor
from service.catalog import DocumentKind, document_context, get_kind
from service.models import Document
from service.output import OutputFile

from .database import session
from .pdf import converter, pdf_cache


def send_output(out: OutputFile) -> Response:
    """The file as an attachment under its catalog name."""
    return send_file(io.BytesIO(out.content), mimetype=out.mimetype, as_attachment=True,
                     download_name=out.filename, max_age=0)


def saved_document_file(doc: Document, fmt: str, actor: Actor) -> Response:
    """A saved document as a file; its PDF carries a QR code per page (so the signed scan can be matched) and every
    download is an audit event."""
    kind = get_kind(doc.kind_code)
    source = templates.in_force(session(), kind, doc.cycle.unit_id)
    if fmt == "pdf":  # through the packets' caches: an unchanged document is sent without rendering or converting
        name = str(doc.data.get("full_name") or doc.data.get("issuing_body") or "")
        pdf = dossier.print_document(session(), doc, lambda docx, title, pdfa: converter().to_pdf(
            docx, pdfa=pdfa, name=title), pdf_cache())
        out = output.OutputFile(pdf, kind.file_name(doc.cycle.year, name, "pdf"), output.MIMETYPES["pdf"])
    else:
        out = output.produce(kind, document_context(kind, doc.data, unit_rules.settings_for(session(), doc.cycle.unit_id)),
                             fmt, converter(), source)
    audit.record(session(), actor, "download", object_type="document", object_id=doc.id, unit_id=doc.cycle.unit_id,
                 document_id=doc.id, format=fmt, revision=doc.revision,
                 template=source.sha256[:16], template_label=source.label)
    session().commit()
    return send_output(out)


def document_file(kind: DocumentKind, values: dict, fmt: str) -> Response:
    """Check the values as a final document (InvalidInput lists what is wrong), then send the file."""
    return send_output(output.produce(kind, document_context(kind, values), fmt, converter()))

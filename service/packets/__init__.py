"""PDF packets: many converted documents assembled into one printable, scannable dossier (pure: bytes in, bytes out)."""
from __future__ import annotations

from .build import assemble_packet, build_packet, stamp_document, stamp_part, warm_up
from .model import CONTENTS_CODE, COVER_CODE, PacketError, PacketInfo, PageSpan, Part, Printed
from .qr import parse_payload, qr_payload, read_image_code, read_page_codes

__all__ = ["Part", "PacketInfo", "PacketError", "PageSpan", "Printed", "assemble_packet", "build_packet",
           "stamp_document", "stamp_part", "warm_up", "qr_payload", "parse_payload",
           "read_page_codes", "read_image_code", "COVER_CODE", "CONTENTS_CODE"]

"""PDF packets: many converted documents assembled into one printable, scannable dossier (pure: bytes in, bytes out)."""
from __future__ import annotations

from .build import build_packet, stamp_document
from .model import CONTENTS_CODE, COVER_CODE, PacketError, PacketInfo, Part
from .qr import parse_payload, qr_payload, read_image_code, read_page_codes

__all__ = ["Part", "PacketInfo", "PacketError", "build_packet", "stamp_document", "qr_payload", "parse_payload",
           "read_page_codes", "read_image_code", "COVER_CODE", "CONTENTS_CODE"]

"""Security headers on every response: a strict Content-Security-Policy, no framing, no sniffing, no caching.

Pages carry no inline script, event handler or style attribute (tests/test_headers.py checks every template):
scripts and styles come from web/static/, so the policy allows 'self' only and an injected <script> does not run.
"""
from __future__ import annotations

from flask import Flask, Response, request

# Files the app's own pages may show in a frame (a PDF preview); everything else may not be framed at all.
FRAMEABLE = ("application/pdf", "image/")


def content_security_policy(frame_ancestors: str) -> str:
    """The policy: own scripts, styles, images (and data: images), fetches and forms only; no plugins."""
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
        "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


PAGE_POLICY = content_security_policy("'none'")
FILE_POLICY = content_security_policy("'self'")
HSTS = "max-age=31536000; includeSubDomains"


def add_headers(response: Response) -> Response:
    """Set the headers; personal pages and files are never stored by the browser or a proxy (static files may be)."""
    frameable = response.mimetype.startswith(FRAMEABLE)
    headers = response.headers
    headers["Content-Security-Policy"] = FILE_POLICY if frameable else PAGE_POLICY
    headers["X-Frame-Options"] = "SAMEORIGIN" if frameable else "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:  # behind a proxy: TRUSTED_PROXIES makes X-Forwarded-Proto count
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("ETag", None)
    return response


def init_app(app: Flask) -> None:
    """Register the headers for every response, errors included."""
    app.after_request(add_headers)

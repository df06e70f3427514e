"""One warm LibreOffice: starts soffice, drives it over UNO, answers the pool on stdin/stdout.

Runs under Debian's /usr/bin/python3 (the only interpreter with `uno`), never imported by the app.
Protocol, one JSON object per line:
  worker -> pool at start: {"event": "ready", "soffice_pid": N} or {"event": "error", "error": "..."}
  pool -> worker: {"in": "/abs/in.docx", "out": "/abs/out.pdf", "pdfa": false, "dests": false}
  ("dests": Word bookmarks exported as the PDF's named destinations, for a batch split back per document)
  worker -> pool: {"ok": true} or {"ok": false, "kind": "load" | "store" | "crash", "error": "..."}
On "crash" the worker exits: the pool kills the process group and starts a new instance.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time

import uno  # type: ignore[import-not-found]  # Debian's python3-uno
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

stopping = threading.Event()  # set on a deliberate exit, so exit_with() stays quiet
DOCX_FILTER = "MS Word 2007 XML"  # explicit, so type detection never imports garbage as plain text


def props(**values: object) -> tuple:
    """Build the PropertyValue tuple UNO calls expect from keyword arguments."""
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def start_soffice(soffice: str, profile_url: str, pipe: str) -> subprocess.Popen:
    """Start soffice as our child, in our process group, so the pool can kill both at once."""
    args = [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
            "--nolockcheck", f"-env:UserInstallation={profile_url}", f"--accept=pipe,name={pipe};urp;"]
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=sys.stderr, stderr=sys.stderr)


def connect(pipe: str, child: subprocess.Popen, timeout: float):
    """Retry the UNO connection until soffice listens; soffice needs 1–3 s to come up."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if child.poll() is not None:
                raise RuntimeError(f"soffice exited with code {child.returncode} before accepting connections")
            if time.monotonic() > deadline:
                raise RuntimeError(f"soffice did not accept a connection within {timeout:.0f} s")
            time.sleep(0.1)


def alive(desktop) -> bool:
    """Tell a document error from a dead soffice: a dead bridge fails even this cheap call."""
    try:
        desktop.getComponents()
        return True
    except Exception:
        return False


def convert(desktop, src: str, dst: str, pdfa: bool, dests: bool = False) -> dict:
    """Load read-only and hidden, export with writer_pdf_Export, always close the document."""
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           props(Hidden=True, ReadOnly=True, FilterName=DOCX_FILTER))
    except Exception as exc:  # IllegalArgumentException, IOException, DisposedException...
        return {"ok": False, "kind": "load", "error": f"{type(exc).__name__}: {exc}"}
    if doc is None:
        return {"ok": False, "kind": "load", "error": "loadComponentFromURL returned nothing"}
    try:
        options = {"SelectPdfVersion": 2} if pdfa else {}
        if dests:
            options["ExportBookmarksToPDFDestination"] = True
        filter_data = props(**options)
        doc.storeToURL(uno.systemPathToFileUrl(dst), props(
            FilterName="writer_pdf_Export",
            FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", filter_data)))
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "kind": "store", "error": f"{type(exc).__name__}: {exc}"}
    finally:
        try:
            doc.close(True)
        except Exception:
            pass  # a dead soffice is caught by alive() below


def serve(desktop, reply) -> int:
    """Answer requests until stdin closes (the pool went away) or soffice dies."""
    for line in sys.stdin:
        try:
            req = json.loads(line)
            result = convert(desktop, req["in"], req["out"], bool(req.get("pdfa")), bool(req.get("dests")))
        except (ValueError, KeyError) as exc:
            result = {"ok": False, "kind": "protocol", "error": repr(exc)}
        if not result["ok"] and not alive(desktop):
            result["kind"] = "crash"
        reply(result)
        if result.get("kind") == "crash":
            return 3
    return 0


def exit_with(child: subprocess.Popen) -> None:
    """Die with soffice, so the pool sees a dead idle instance at checkout instead of mid-request."""
    child.wait()
    if not stopping.is_set():
        kill_group_but_me()
        os._exit(3)


def kill_group_but_me() -> None:
    """SIGKILL the rest of our process group (oosplash, soffice.bin): killing oosplash alone orphans soffice.bin."""
    me = os.getpid()
    if os.getpgrp() != me:
        return  # not started as a session leader by the pool: only our direct child is ours
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != me:
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    pgrp = int(f.read().rsplit(b")", 1)[1].split()[2])
                if pgrp == me:
                    os.kill(int(entry), signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass


def stop_soffice(child: subprocess.Popen) -> None:
    """On our way out take soffice down with us, whatever state it is in."""
    stopping.set()
    kill_group_but_me()
    if child.poll() is None:
        child.kill()
    child.wait()


def main() -> int:
    """Start soffice, connect, report ready, serve; always take soffice down on the way out."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--soffice", required=True)
    ap.add_argument("--profile", required=True, help="file:// URL of this instance's own profile")
    ap.add_argument("--pipe", required=True)
    ap.add_argument("--connect-timeout", type=float, default=20.0)
    opts = ap.parse_args()

    # Keep the protocol channel private: anything soffice or UNO prints goes to stderr.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)

    def reply(obj: dict) -> None:
        channel.write(json.dumps(obj, ensure_ascii=False) + "\n")
        channel.flush()

    try:
        child = start_soffice(opts.soffice, opts.profile, opts.pipe)
    except OSError as exc:
        reply({"event": "error", "error": f"cannot run {opts.soffice}: {exc}"})
        return 2
    try:
        try:
            desktop = connect(opts.pipe, child, opts.connect_timeout)
        except Exception as exc:
            reply({"event": "error", "error": str(exc)})
            return 2
        threading.Thread(target=exit_with, args=(child,), daemon=True).start()
        reply({"event": "ready", "soffice_pid": child.pid})
        return serve(desktop, reply)
    finally:
        stop_soffice(child)


if __name__ == "__main__":
    sys.exit(main())

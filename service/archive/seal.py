"""What makes the audit chain hold against someone who can write to the database: a key kept outside it.

The key (DATA_DIR/audit_key, made once like the secret key, or AUDIT_KEY in the environment) authenticates every
event (an HMAC of its chain hash) and the head. Someone who edits the log and recomputes every hash cannot
recompute those without the key. Every CHECKPOINT_EVERY events, and at every `flask archive verify`, the head
(number, hash) is written, authenticated too, into the archive's write-once store, outside the database: a log cut
back below a checkpoint, or rewritten under it, no longer matches it even with the key.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import atomic_write

if TYPE_CHECKING:
    from .storage import BlobStore

log = logging.getLogger(__name__)

KEY_FILE = "audit_key"
CHECKPOINT_EVERY = 100


def load_key(data_dir: Path | str) -> bytes:
    """AUDIT_KEY from the environment, else the data folder's audit_key, made on first use (mode 600)."""
    from_env = os.environ.get("AUDIT_KEY")
    if from_env:
        return from_env.strip().encode()
    path = Path(data_dir) / KEY_FILE
    if path.exists():
        key = path.read_bytes().strip()
        if key:
            return key
    key = secrets.token_hex(32).encode()
    atomic_write(path, key, mode=0o600)
    return key


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head as it was at one moment, as kept in the write-once store."""

    seq: int
    hash: str
    at: str
    authentic: bool  # its own HMAC verifies with the key


@dataclass(frozen=True)
class Seal:
    """The key, and where checkpoints go (a function, so a misconfigured store fails only when first used)."""

    key: bytes
    store: Callable[[], "BlobStore"] | None = None
    every: int = CHECKPOINT_EVERY

    def mac(self, kind: str, *parts: Any) -> str:
        """HMAC-SHA256 over a kind tag and the parts, so an event's MAC can never pass for a head's."""
        message = "\n".join([kind, *(str(p) for p in parts)]).encode("utf-8")
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def event_mac(self, seq: int, event_hash: str) -> str:
        return self.mac("event", seq, event_hash)

    def head_mac(self, seq: int, head_hash: str) -> str:
        return self.mac("head", seq, head_hash)

    def checkpoint(self, seq: int, head_hash: str) -> bool:
        """Write the head into the write-once store; False when there is no store or it failed (logged)."""
        if self.store is None or seq <= 0:
            return False
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        body = {"seq": seq, "hash": head_hash, "at": at, "mac": self.mac("checkpoint", seq, head_hash, at)}
        try:
            self.store().put_checkpoint(f"{seq:012d}.json", json.dumps(body, sort_keys=True).encode())
        except Exception:  # noqa: BLE001 - a store outage must not stop the action; verify will checkpoint again
            log.exception("audit checkpoint at %d not written", seq)
            return False
        return True

    def checkpoints(self) -> list[Checkpoint]:
        """Every checkpoint in the store, oldest first."""
        if self.store is None:
            return []
        found = []
        for _name, data in self.store().checkpoints():
            try:
                body = json.loads(data)
                seq, head_hash, at = int(body["seq"]), str(body["hash"]), str(body["at"])
                authentic = hmac.compare_digest(str(body.get("mac", "")), self.mac("checkpoint", seq, head_hash, at))
            except (ValueError, KeyError, TypeError):
                continue
            found.append(Checkpoint(seq, head_hash, at, authentic))
        return sorted(found, key=lambda c: c.seq)


def seal_for(data_dir: Path | str, store: Callable[[], "BlobStore"] | None) -> Seal:
    """The seal of an installation: its key, its store."""
    return Seal(load_key(data_dir), store)

"""scripts/gunicorn.conf.py: what `make run`'s workers set up as they start (the garbage collector frozen, the
interpreter lock's switch interval), and that a mistyped setting never stops a worker from starting."""
from __future__ import annotations

import gc
import importlib.util
import sys
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[1] / "scripts" / "gunicorn.conf.py"


class _Log:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warning(self, message: str, *args) -> None:
        self.warnings.append(message % args)


class _Worker:
    def __init__(self) -> None:
        self.log = _Log()


@pytest.fixture
def post_worker_init():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    interval = sys.getswitchinterval()
    yield module.post_worker_init
    sys.setswitchinterval(interval)
    gc.unfreeze()


def test_a_worker_hands_the_lock_on_after_1_ms_unless_told_otherwise(post_worker_init, monkeypatch):
    monkeypatch.delenv("WEB_GIL_SWITCH_MS", raising=False)
    worker = _Worker()
    post_worker_init(worker)
    assert sys.getswitchinterval() == pytest.approx(0.001)
    assert gc.get_freeze_count() > 0 and worker.log.warnings == []
    monkeypatch.setenv("WEB_GIL_SWITCH_MS", "2.5")
    post_worker_init(worker)
    assert sys.getswitchinterval() == pytest.approx(0.0025)


@pytest.mark.parametrize("value", ["abc", "0", "-3", "nan", "1000"])
def test_a_mistyped_switch_interval_is_named_in_the_log_and_1_ms_used(post_worker_init, monkeypatch, value):
    monkeypatch.setenv("WEB_GIL_SWITCH_MS", value)
    worker = _Worker()
    post_worker_init(worker)
    assert sys.getswitchinterval() == pytest.approx(0.001)
    assert len(worker.log.warnings) == 1 and "WEB_GIL_SWITCH_MS" in worker.log.warnings[0]

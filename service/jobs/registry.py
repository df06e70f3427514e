"""The task registry: kind name -> callable(ctx, **params) -> {format: path relative to the job folder}."""
from __future__ import annotations

import importlib
from typing import Any, Callable

TaskFunc = Callable[..., dict[str, str]]
TASKS: dict[str, TaskFunc] = {}


def register(name: str) -> Callable[[TaskFunc], TaskFunc]:
    """Decorator: make `func` runnable as jobs of kind `name` (the module is imported by workers too)."""
    def decorate(func: TaskFunc) -> TaskFunc:
        current = TASKS.get(name)
        if current is not None and _qualified(current) != _qualified(func):
            raise ValueError(f"job kind {name!r} is already registered by {_qualified(current)}")
        TASKS[name] = func
        return func
    return decorate


def task_module(name: str) -> str | None:
    """The module that registers `name`, handed to remote workers so they can import it."""
    func = TASKS.get(name)
    return func.__module__ if func is not None else None


def resolve(name: str, module: str | None = None) -> TaskFunc:
    """The task for `name`, importing `module` first when this process has not registered it yet."""
    if name not in TASKS and module:
        importlib.import_module(module)
    try:
        return TASKS[name]
    except KeyError:
        raise LookupError(f"no task registered as {name!r} (module {module!r})") from None


def _qualified(func: Any) -> str:
    return f"{func.__module__}.{func.__qualname__}"

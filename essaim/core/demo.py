"""The demo: `essaim demo_setup` runs every app's demo step in order and prints one login per role.

Core imports no app: each app registers its step from its `AppConfig.ready()`
(`demo.register_step("essaim.directory.demo.load_demo", label="directory", order=20)`), given as a dotted
path so that demo data is imported only by `demo_setup`. A step is idempotent and returns a summary to
print, or the `DemoLogin`s it prepared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import import_string

DEMO_PASSWORD = "essaim-demo-2026"  # noqa: S105  (demo data only; printed by `essaim demo_setup`)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    organisation: str


@dataclass(frozen=True)
class DemoStep:
    label: str
    path: str
    order: int

    def load(self) -> object:
        loader: Callable[[], object] = import_string(self.path)
        return loader()


_steps: dict[str, DemoStep] = {}


def register_step(path: str, *, label: str, order: int) -> None:
    """`path` names the step's function of no argument; lower `order` runs first."""
    _steps[label] = DemoStep(label, path, order)


def steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.label))

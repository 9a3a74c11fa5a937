from __future__ import annotations

import pytest

from .factories import make_territory


@pytest.fixture
def territory(db: None) -> None:
    make_territory()


@pytest.fixture
def demo(territory: None) -> None:
    from essaim.directory.demo import load_demo_structures

    load_demo_structures()

"""Shared pieces of the browser tests: Debian's Chromium (never a downloaded one), its flags,
and screenshots into artifacts/screenshots/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")


def launch(playwright_instance):
    """Headless Chromium from the system."""
    return playwright_instance.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)

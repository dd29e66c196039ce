"""Drive tools/visit-pages.mjs (Playwright + the machine's Chromium) from the tests."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.validators.conftest import CHROMIUM, TOOLS, need_chromium, need_node_package


def visit(steps: list[dict[str, Any]], locale: str = "vi-VN", **job: Any) -> list[dict[str, Any]]:
    """Run `steps` in one browser context with `locale`; one result per step."""
    need_chromium()
    need_node_package("playwright-core")
    proc = subprocess.run(
        ["node", str(TOOLS / "visit-pages.mjs")],
        input=json.dumps({"chromium": str(CHROMIUM), "locale": locale, "steps": steps, **job}),
        capture_output=True,
        text=True,
        timeout=240,
        cwd=TOOLS,
    )
    assert proc.returncode == 0, f"visit-pages.mjs failed:\n{proc.stderr[-4000:]}"
    results: list[dict[str, Any]] = json.loads(proc.stdout)["steps"]
    return results

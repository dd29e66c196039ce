"""Draw the web app icons of the tool's own logo (templates/assets/favicon.svg) into
site_builder/icons/, as a build would draw them (site_builder/webapp.py `shipped_icon`).

    .venv/bin/python tools/draw_shipped_icons.py

Run it after changing the theme's logo or `webapp.ICON_DRAWING`; old files are removed.
"""

from __future__ import annotations

from pathlib import Path

from site_builder.assets import ICON_SIZES, icon_source
from site_builder.webapp import SHIPPED_ICONS, draw_icon, shipped_icon_path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    source = icon_source(REPO / "templates")
    assert source is not None, "templates/assets has no logo"
    data = source.read_bytes()
    SHIPPED_ICONS.mkdir(exist_ok=True)
    for old in SHIPPED_ICONS.glob("*.png"):
        old.unlink()
    for size in ICON_SIZES:
        path = shipped_icon_path(source.name, data, size)
        path.write_bytes(draw_icon(source, size))
        print(path.relative_to(REPO))


if __name__ == "__main__":
    main()

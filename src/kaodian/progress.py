"""The progress bar of a build: documents done of the total and the one being worked on, on stderr.

It stays hidden for the first moment, so a quick build prints nothing, and appears
even while one long document keeps the build busy (a timer draws it). When the
build ends the line is cleared, so what follows starts on a clean line.
"""

from __future__ import annotations

import threading
import time
from typing import TextIO

#: Seconds a build runs before the bar appears.
DELAY = 0.5
WIDTH = 30
NAME_WIDTH = 40


class ProgressBar:
    """Call it with (done, total, current name) as inputs finish; :meth:`close` when the build ends."""

    def __init__(self, stream: TextIO, delay: float | None = None) -> None:
        self._delay = DELAY if delay is None else delay
        self._stream = stream
        self._lock = threading.Lock()
        self._state: tuple[int, int, str] | None = None
        self._shown = False
        self._closed = False
        self._start = time.monotonic()
        self._timer = threading.Timer(self._delay, self._appear)
        self._timer.daemon = True
        self._timer.start()

    def __call__(self, done: int, total: int, name: str) -> None:
        with self._lock:
            self._state = (done, total, name)
            if not self._shown and time.monotonic() - self._start >= self._delay:
                self._shown = True
            if self._shown and not self._closed:
                self._draw()

    def _appear(self) -> None:
        with self._lock:
            if self._closed or self._state is None:
                self._shown = not self._closed
                return
            self._shown = True
            self._draw()

    def _draw(self) -> None:
        assert self._state is not None
        done, total, name = self._state
        filled = WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self._stream.write(f"\r[{bar}] {done}/{total} {name[:NAME_WIDTH]:<{NAME_WIDTH}}")
        self._stream.flush()

    def close(self) -> None:
        """Stop the timer and clear the bar's line if it was drawn."""
        self._timer.cancel()
        with self._lock:
            drawn = self._shown and self._state is not None
            self._closed = True
            if drawn:
                self._stream.write("\r" + " " * (WIDTH + NAME_WIDTH + 16) + "\r")
                self._stream.flush()

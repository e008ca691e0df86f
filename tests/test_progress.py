"""The build's progress bar: hidden at first, drawn while a long document keeps it busy, cleared at the end."""

from __future__ import annotations

import io
import time

from kaodian.progress import WIDTH, ProgressBar


def _wait_for(stream: io.StringIO, text: str, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if text in stream.getvalue():
            return True
        time.sleep(0.01)
    return False


def test_nothing_is_drawn_before_the_delay() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=60)
    bar(0, 2, "a.txt")
    bar(1, 2, "b.txt")
    bar(2, 2, "b.txt")
    bar.close()
    assert out.getvalue() == ""


def test_a_long_document_gets_its_bar_without_waiting_for_the_next_update() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=0.05)
    bar(0, 1, "long-report.txt")  # then nothing until the document is done
    assert _wait_for(out, "] 0/1 long-report.txt")
    bar(1, 1, "long-report.txt")
    bar.close()
    lines = out.getvalue().split("\r")
    assert "[" + "#" * WIDTH + "] 1/1 long-report.txt" in out.getvalue()
    assert lines[-1] == "" and lines[-2].strip() == ""  # the last thing written clears the line


def test_after_the_delay_every_update_is_drawn_with_done_total_and_name() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=0)
    time.sleep(0.05)
    assert out.getvalue() == ""  # the timer fired with nothing to draw yet
    bar(0, 4, "a.txt")
    bar(2, 4, "c.txt")
    bar.close()
    text = out.getvalue()
    assert "[" + "-" * WIDTH + "] 0/4 a.txt" in text
    assert "[" + "#" * (WIDTH // 2) + "-" * (WIDTH // 2) + "] 2/4 c.txt" in text


def test_a_long_name_is_cut_to_keep_the_bar_on_one_line() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=0)
    bar(0, 1, "很长的文件名" * 20 + ".txt")
    bar.close()
    drawn = out.getvalue().split("\r")[1]
    assert len(drawn) == len("[" + "-" * WIDTH + "] 0/1 ") + 40


def test_closing_before_the_delay_draws_nothing_later() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=0.05)
    bar(0, 3, "a.txt")
    bar.close()
    time.sleep(0.2)
    assert out.getvalue() == ""

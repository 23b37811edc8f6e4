"""Watching content/ for saves: the files' modification times, compared when the system says
something changed below the folder (inotify through watchdog) — not by listing ten thousand files
several times a second — and every few seconds anyway, in case an event was missed."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

SAFETY_INTERVAL = 5.0  # seconds between looks when no event arrives
QUIET, SETTLE = 0.05, 0.5  # seconds without events before looking; the longest wait for them to stop


def snapshot(content_dir: Path) -> dict[Path, int]:
    """Every YAML file below content_dir and its modification time."""
    out = {}
    for folder, _, names in os.walk(content_dir):
        for name in names:
            if name.endswith(".yaml"):
                path = Path(folder) / name
                try:
                    out[path] = path.stat().st_mtime_ns
                except FileNotFoundError:  # removed while we looked
                    pass
    return out


def _writes() -> list:
    """The events of a change: without this filter every read of a file is an event too, and a
    build reading ten thousand files overflows the system's queue of events."""
    from watchdog import events

    return [events.FileModifiedEvent, events.FileClosedEvent, events.FileCreatedEvent, events.FileDeletedEvent,
            events.FileMovedEvent, events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent]


class Saves:
    """changed() blocks until files were saved (or added, or removed) and returns them."""

    def __init__(self, content_dir: Path, poll: float = 0.3):
        self.content_dir, self.poll = Path(content_dir), poll
        self.seen = snapshot(self.content_dir)
        self.woken = threading.Event()
        self.interval = poll
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer

            handler = FileSystemEventHandler()
            handler.on_any_event = lambda event: self.woken.set()
            self.observer = Observer()
            self.observer.schedule(handler, str(self.content_dir), recursive=True, event_filter=_writes())
            self.observer.daemon = True
            self.observer.start()
            self.interval = SAFETY_INTERVAL
        except Exception:  # no inotify here: look every `poll` seconds
            self.observer = None

    def changed(self) -> list[Path]:
        while True:
            self.woken.wait(self.interval)
            if self.woken.is_set():
                # An editor's save is often several writes, and a change several files: look
                # once the events have paused for QUIET seconds (or after at most SETTLE).
                settle = time.monotonic() + SETTLE
                self.woken.clear()
                while time.monotonic() < settle and self.woken.wait(QUIET):
                    self.woken.clear()
            current = snapshot(self.content_dir)
            changed = sorted(p for p in set(current) | set(self.seen) if current.get(p) != self.seen.get(p))
            self.seen = current
            if changed:
                return changed

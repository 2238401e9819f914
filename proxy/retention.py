"""Apply `retention_days` in the background: once at start, then hourly."""

from __future__ import annotations

import logging
import threading

from audit import AuditLog

log = logging.getLogger("gatepost.retention")

INTERVAL_SECONDS = 3600.0


class RetentionWorker:
    """A thread that removes old post text from the audit db until stopped."""

    def __init__(self, audit: AuditLog, days: int, interval: float = INTERVAL_SECONDS) -> None:
        self.audit = audit
        self.days = days
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.days <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> int:
        removed = self.audit.apply_retention(self.days)
        if removed:
            log.info("retention: removed the text of %d decisions older than %d days",
                     removed, self.days)
        return removed

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - try again next round
                log.exception("retention run failed")
            self._stop.wait(self.interval)

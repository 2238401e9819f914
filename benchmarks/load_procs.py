"""The processes benchmarks/load.py runs: an upstream microblog and `gatepost serve`.

Each runs in its own process so that it can be killed (SIGKILL) and started
again on the same port with the same files. Run as a script, this module
serves the built-in microblog (`proxy.microblog.create_microblog`) under
waitress:

    python benchmarks/load_procs.py microblog --db FILE --token T --port P [--threads N]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> float:
    """Poll url until it answers 200; seconds it took. Raises if proc dies or time runs out."""
    started = time.monotonic()
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode} before {url} "
                               "answered")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"{url} did not answer within {timeout:g} s")
        time.sleep(0.05)


class Service:
    """A child process started with a fixed command line, restartable on its port."""

    name = "service"

    def __init__(self, argv: list[str], log_path: Path, health_url: str,
                 start_timeout: float = 120.0) -> None:
        self.argv = argv
        self.log_path = log_path
        self.health_url = health_url
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.starts: list[float] = []  # seconds each start took until health_url answered

    def start(self) -> float:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it
        log.write(f"--- start {time.strftime('%H:%M:%S')}: {' '.join(self.argv)}\n".encode())
        log.flush()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=ROOT, env=env)
        log.close()
        took = wait_http(self.health_url, self.start_timeout, self.proc)
        self.starts.append(took)
        return took

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a crash or an OOM kill."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it has not ended in time."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


class Microblog(Service):
    """The built-in microblog as a separate upstream process (its own SQLite file)."""

    name = "microblog"

    def __init__(self, work: Path, token: str, port: int, threads: int = 8) -> None:
        self.db_path = work / "microblog.db"
        self.url = f"http://127.0.0.1:{port}"
        self.token = token
        argv = [sys.executable, str(Path(__file__).resolve()), "microblog",
                "--db", str(self.db_path), f"--token={token}",  # a token may start with "-"
                "--port", str(port),
                "--threads", str(threads)]
        super().__init__(argv, work / "microblog.log", f"{self.url}/api/v1/timelines/public",
                         start_timeout=30.0)


class Gatepost(Service):
    """`gatepost serve --config CFG`: waitress with the config's `threads`."""

    name = "gatepost"

    def __init__(self, work: Path, upstream: Microblog, port: int, threads: int | None,
                 extra: dict[str, object] | None = None) -> None:
        self.data_dir = work / "gatepost-data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.data_dir / "audit.db"
        self.url = f"http://127.0.0.1:{port}"
        config = work / "gatepost.yaml"
        lines = [
            f"data_dir: {self.data_dir}",
            "host: 127.0.0.1",
            f"port: {port}",
            f"upstream_url: {upstream.url}",
            f"upstream_token: {upstream.token}",
            # The shipped policy, not reloaded: a reload poll is not what is measured.
            "policy_reload_seconds: 0",
        ]
        if threads is not None:
            lines.append(f"threads: {threads}")
        lines += [f"{k}: {v}" for k, v in (extra or {}).items()]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.config_path = config
        argv = [str(VENV_BIN / "gatepost"), "serve", "--config", str(config)]
        super().__init__(argv, work / "gatepost.log", f"{self.url}/healthz")

    def add_employee(self, name: str) -> str:
        """`gatepost users add NAME --role employee --db DATA/audit.db`; the printed token."""
        out = subprocess.run(
            [str(VENV_BIN / "gatepost"), "users", "add", name, "--role", "employee",
             "--db", str(self.db_path)],
            check=True, capture_output=True, text=True, cwd=ROOT,
        ).stdout
        return out.rsplit(":", 1)[1].strip()


class MemoryWatch:
    """Samples the resident memory of whatever process `pid()` names, every 0.2 s."""

    def __init__(self, pid) -> None:
        self.pid = pid
        self.peak_kb = 0
        self.last_kb = 0
        self.hwm_kb = 0  # VmHWM: the kernel's own peak for the current process
        self.threads = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="memory-watch")

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        status = proc_status(pid)
        if "VmRSS" in status:
            self.last_kb = status["VmRSS"]
            self.peak_kb = max(self.peak_kb, self.last_kb)
            self.hwm_kb = max(self.hwm_kb, status.get("VmHWM", 0))
            self.threads = status.get("Threads", self.threads)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (kB) and Threads of a process from /proc, {} if it is gone."""
    out: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            out[key] = int(value.split()[0])
    return out


def cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU seconds a process has used so far (/proc), None if gone."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores have been busy since boot (/proc/stat: all but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def _serve_microblog(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="load_procs.py microblog")
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", required=True, type=int)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import waitress

    from proxy.microblog import create_microblog

    app = create_microblog(args.db, args.token)
    print(f"microblog pid {os.getpid()} on 127.0.0.1:{args.port}", flush=True)
    waitress.serve(app, host="127.0.0.1", port=args.port, threads=args.threads,
                   asyncore_use_poll=True, _quiet=True)


if __name__ == "__main__":
    if sys.argv[1:2] != ["microblog"]:
        sys.exit(__doc__)
    _serve_microblog(sys.argv[2:])

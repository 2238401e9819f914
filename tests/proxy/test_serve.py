"""`gatepost serve` on its embedded defaults, as a new user starts it."""

from __future__ import annotations

import re
import signal
import subprocess
import time

import requests

from tests.proxy.test_cli import GATEPOST


def test_serve_out_of_the_box_forwards_an_allowed_post_to_the_built_in_microblog(tmp_path):
    config = tmp_path / "gatepost.yaml"
    config.write_text("data_dir: data\nport: 0\nmicroblog_port: 0\n", encoding="utf-8")
    proc = subprocess.Popen([GATEPOST, "serve", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out = _read_until(proc, "Gatepost is listening on", timeout=90)
        base = re.search(r"listening on (http://\S+)", out).group(1)
        microblog = re.search(r"Built-in microblog: (http://\S+)/", out).group(1)
        token = re.search(r"employee token:\s+(\S+)", out).group(1)
        assert re.search(r"admin UI login:\s+admin / \S+", out)

        resp = requests.post(f"{base}/api/posts", json={"text": "Hello from the expo floor!"},
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert resp.status_code == 200, resp.text
        page = requests.get(microblog + "/", timeout=10).text
        assert "Hello from the expo floor!" in page
        assert (tmp_path / "data" / "audit.db").exists()
        proc.send_signal(signal.SIGTERM)  # as systemd or docker stop would
        assert proc.wait(timeout=15) == 0
        assert "Stopping: finishing" in proc.stdout.read()
    finally:
        stop_process(proc)


def stop_process(proc: subprocess.Popen) -> None:
    """Interrupt a `gatepost serve` subprocess as Ctrl-C would; kill it if it hangs."""
    if proc.poll() is not None:
        proc.stdout.close()
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()


def _read_until(proc: subprocess.Popen, marker: str, timeout: float) -> str:
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("server did not start:\n" + "".join(seen))


def test_the_data_dir_and_audit_db_are_private(gatepost, gatepost_config):
    import stat

    assert stat.S_IMODE(gatepost_config.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(gatepost_config.audit_db.stat().st_mode) == 0o600

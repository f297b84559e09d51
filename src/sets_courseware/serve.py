"""Start the product's Jupyter server: JupyterLab + the Voilà path page, on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PATH_PAGE = "voila/render/voila_app/path.ipynb"
LAB_SETTINGS = Path(__file__).parent / "data" / "lab-settings"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(root: Path, port: int, app: str = "lab", token: str = "", open_browser: bool = False) -> list[str]:
    bindir = Path(sys.executable).parent
    exe = bindir / "jupyter"
    cmd = [str(exe) if exe.exists() else "jupyter", app,
           f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--ServerApp.password=",
           # graders/ (keys, gradebook) stays out of the learner's file browser.
           "--ContentsManager.hide_globs=['__pycache__','*.pyc','.ipynb_checkpoints','graders','*.egg-info','.venv']",
           f"--ServerApp.default_url=/{PATH_PAGE}"]
    if app == "lab":
        # Course-wide JupyterLab defaults (overrides.json): notebook windowing "defer", so that a
        # path link `#cell-id=sec-…` scrolls exactly to its section (with the default
        # "contentVisibility" it lands on an estimated position, a section or two too early).
        # A hub image puts the same file in <prefix>/share/jupyter/lab/settings.
        cmd.append(f"--LabApp.app_settings_dir={LAB_SETTINGS}")
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI machines run as root
        cmd.append("--ServerApp.allow_root=True")
    return cmd


def start(root: Path, port: int | None = None, env: dict | None = None, app: str = "lab",
          timeout: float = 60, log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start a server in the background and wait until it answers; returns (process, base URL)."""
    port = port or free_port()
    bindir = Path(sys.executable).parent
    full_env = {**os.environ, **(env or {}), "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(server_command(root, port, app), env=full_env, stdout=out, stderr=subprocess.STDOUT,
                            cwd=root, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter {app} exited with code {proc.returncode}" + (f"; see {log}" if log else ""))
        try:
            urllib.request.urlopen(url + "api/status", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise TimeoutError(f"jupyter {app} did not answer on {url} within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    import signal
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def main(root: Path, port: int) -> int:
    """`sets serve`: run in the foreground until Ctrl-C."""
    cmd = server_command(root, port, open_browser=False)
    print(f"SETS: JupyterLab on http://127.0.0.1:{port}/lab — path page on http://127.0.0.1:{port}/{PATH_PAGE}")
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.call(cmd, cwd=root, env=env)

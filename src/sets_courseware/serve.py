"""Start the product's Jupyter server: JupyterLab + the Voilà path page, on loopback.

Server settings live in ONE place, `jupyter_config()` below: Voilà's kernels freed when a
page closes (see `voila_prelaunch`), idle kernels culled, the product's landing page and
hidden files. `sets serve` loads them through the config file shipped with the package
(`CONFIG_FILE`, `data/jupyter-config/jupyter_server_config.py`, two lines that merge
`jupyter_config()`). A JupyterHub single-user server reuses them the same way, in either of
two forms:

    # <prefix>/etc/jupyter/jupyter_server_config.py of the single-user image
    from sets_courseware.serve import jupyter_config
    c.merge(jupyter_config())

    # or, without writing a file: the spawner adds
    #   --config=<python -c "import sets_courseware.serve as s; print(s.CONFIG_FILE)">

What is specific to one machine stays in `sets serve` (`server_command`, `start`, `main`):
loopback, a random token per run (Jupyter's token authentication; the browser gets the
tokenised URL of the path page) and a server root that holds only what learners open
(`learner_root`: `notebooks/` and `voila_app/`, never `graders/`). A hub brings its own
authentication and home folders.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PATH_PAGE = "voila/render/voila_app/path.ipynb"
DASHBOARD_PAGE = "voila/render/voila_app/dashboard.ipynb"
LAB_SETTINGS = Path(__file__).parent / "data" / "lab-settings"
#: Prebuilt JupyterLab extensions shipped in the package (sets-courseware-links: lesson links land).
LAB_EXTENSIONS = Path(__file__).parent / "data" / "labextensions"
CONFIG_FILE = Path(__file__).parent / "data" / "jupyter-config" / "jupyter_server_config.py"
#: What a learner's server shows: the module notebooks and the path page. Nothing else of the
#: checkout (graders/ with the keys, hidden tests, gradebook and signing key) is reachable.
LEARNER_DIRS = ("notebooks", "voila_app")

#: Kernel culling, the safety net behind Voilà's shutdown-on-close: a kernel with no browser
#: connected (a tab closed without its shutdown call, a crashed browser) is stopped after
#: CULL_IDLE_S of idleness; a kernel with an open notebook or page is never culled.
CULL_IDLE_S = 600
CULL_INTERVAL_S = 60


def voila_prelaunch(handler, notebook=None, cwd=None):
    """Voilà hook run by the page request before its kernel starts (VoilaConfiguration.prelaunch_hook).

    Voilà's page frees its kernel on `beforeunload` with a `sendBeacon` POST to
    `voila/api/shutdown/<kernel>` whose `_xsrf` form field is read from the `_xsrf` cookie.
    Voilà's render handler never sets that cookie (it streams its own template, not Jupyter's),
    so a browser that comes straight to the page has none, the POST is refused (403 "'_xsrf'
    argument missing", voila issue #1458) and the kernel stays. Reading `handler.xsrf_token`
    makes tornado (or JupyterHub's single-user handler) set the cookie on this response,
    before its first byte is flushed, so the shutdown passes the normal xsrf check.
    """
    handler.xsrf_token  # noqa: B018 - property with the side effect of setting the cookie
    return None


def jupyter_config():
    """The product's Jupyter server settings, as a traitlets Config (see the module docstring)."""
    from traitlets.config import Config
    c = Config()
    c.ServerApp.default_url = f"/{PATH_PAGE}"
    # Never disable xsrf checks: the shutdown of Voilà's kernels is fixed by the hook instead.
    c.VoilaConfiguration.prelaunch_hook = voila_prelaunch
    # Voilà's preheating does not exist in its server extension (and refuses a prelaunch hook):
    # the server's kernel manager keeps warmed kernels for the pages of voila_app/ (kernel_pool).
    c.ServerApp.kernel_manager_class = "sets_courseware.kernel_pool.PooledKernelManager"
    c.PooledKernelManager.pool_dirs = ["voila_app"]
    # Two, refilled a second after one is taken: a reload or a second tab right after the first
    # visit still finds a warm kernel; an earlier refill competes with the page being drawn.
    c.PooledKernelManager.pool_size = 2
    c.PooledKernelManager.fill_delay = 1.0
    # Lesson links (`…/module_2_1.ipynb#cell-id=sec-2-1-3`) land on their section: a prebuilt
    # extension scrolls once the notebook is laid out (JupyterLab's own fragment scroll is racy).
    c.LabApp.extra_labextensions_path = [str(LAB_EXTENSIONS)]
    c.MappingKernelManager.cull_idle_timeout = CULL_IDLE_S
    c.MappingKernelManager.cull_interval = CULL_INTERVAL_S
    c.MappingKernelManager.cull_connected = False
    c.MappingKernelManager.cull_busy = False
    c.ContentsManager.hide_globs = ["__pycache__", "*.pyc", ".ipynb_checkpoints", "graders", "*.egg-info",
                                    ".venv"]
    return c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def learner_root(source: Path, dest: Path | None = None, dirs: tuple[str, ...] = LEARNER_DIRS) -> Path:
    """A server root holding only `dirs` of `source`, as symbolic links (mode 700 folder).

    Jupyter resolves every request path lexically inside its root (`..` cannot climb out), so
    the rest of the checkout is not reachable through /api/contents, /files, /view,
    /nbconvert or /voila; kernels still start in the real folders, so the quiz's answers files
    are written beside the notebooks.
    """
    dest = Path(dest) if dest else Path(tempfile.mkdtemp(prefix="sets-serve-"))
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(dest, 0o700)
    for name in dirs:
        target = (Path(source) / name).resolve()
        if not target.is_dir():
            continue
        link = dest / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target, target_is_directory=True)
    return dest


def server_command(root: Path, port: int, app: str = "lab", open_browser: bool = False) -> list[str]:
    """The Jupyter command serving `root` (a `learner_root`); the token comes from JUPYTER_TOKEN."""
    bindir = Path(sys.executable).parent
    exe = bindir / "jupyter"
    cmd = [str(exe) if exe.exists() else "jupyter", app, f"--config={CONFIG_FILE}",
           f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0",
           # /files/ through the contents manager (the same root checks as /api/contents): tornado's
           # static handler refuses files reached through the root's symbolic links.
           "--ContentsManager.files_handler_class=jupyter_server.files.handlers.FilesHandler"]
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


def _server_env(token: str, env: dict | None = None) -> dict:
    bindir = Path(sys.executable).parent
    full = {**os.environ, **(env or {}), "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    full["JUPYTER_TOKEN"] = token  # in the environment, not on the command line that `ps` shows
    full.pop("JUPYTER_TOKEN_FILE", None)
    return full


def with_token(url: str, token: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}token={token}"


def start(root: Path, port: int | None = None, env: dict | None = None, app: str = "lab",
          timeout: float = 60, log: Path | None = None, token: str | None = None,
          expose: tuple[str, ...] = LEARNER_DIRS) -> tuple[subprocess.Popen, str]:
    """Start a server in the background and wait until it answers; returns (process, base URL).

    The server root holds only `expose` of `root`; the token (random unless given) is
    `proc.token`: open `with_token(url + PATH_PAGE, proc.token)` once, the browser then keeps
    Jupyter's login cookie.
    """
    port = port or free_port()
    token = token or secrets.token_hex(24)
    served = learner_root(root, dirs=expose)
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(server_command(served, port, app), env=_server_env(token, env), stdout=out,
                            stderr=subprocess.STDOUT, cwd=served, start_new_session=True)
    proc.token = token
    proc.server_root = served
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            shutil.rmtree(served, ignore_errors=True)
            raise RuntimeError(f"jupyter {app} exited with code {proc.returncode}" + (f"; see {log}" if log else ""))
        try:
            req = urllib.request.Request(url + "api/status", headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(req, timeout=2)
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
    served = getattr(proc, "server_root", None)
    if served:
        shutil.rmtree(served, ignore_errors=True)  # only the symbolic links and the folder


def _can_open_browser() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    # Without a display Python's webbrowser would pick a console browser and take the terminal.
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(root: Path, port: int, open_browser: bool = True, page_path: str = PATH_PAGE) -> int:
    """`sets serve` (and `sets dashboard`, page_path=DASHBOARD_PAGE): run in the foreground until Ctrl-C."""
    token = secrets.token_hex(24)
    served = learner_root(root)
    base = f"http://127.0.0.1:{port}/"
    page = with_token(base + page_path, token)
    name = "dashboard" if page_path == DASHBOARD_PAGE else "path page"
    print(f"SETS: serving {', '.join(d + '/' for d in LEARNER_DIRS)} of {root}\n"
          f"SETS: {name:<10}{page}\n"
          f"SETS: JupyterLab {with_token(base + 'lab', token)}\n"
          "SETS: the token in these links is this run's password; Ctrl-C stops the server.", flush=True)
    proc = subprocess.Popen(server_command(served, port), cwd=served, env=_server_env(token))

    def _terminated(_signum, _frame):
        raise KeyboardInterrupt  # SIGTERM: stop Jupyter and remove the server root as on Ctrl-C
    import signal
    signal.signal(signal.SIGTERM, _terminated)
    try:
        if open_browser and _can_open_browser():
            import webbrowser
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    urllib.request.urlopen(urllib.request.Request(
                        base + "api/status", headers={"Authorization": f"token {token}"}), timeout=2)
                    webbrowser.open(page)
                    break
                except OSError:
                    time.sleep(0.3)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            return proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
    finally:
        shutil.rmtree(served, ignore_errors=True)

"""`sets serve` from the outside: token authentication, only learners' folders served, owner-only files.

A checkout with sentinel secrets in graders/ (keys, hidden tests, signing key, gradebook) is
served as `sets serve` serves one; every route that can return a file is asked for each
secret, directly and through `..` tricks, with and without the token: refusals, and no byte
of a secret in any answer.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import stat
import urllib.parse
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from sets_courseware.serve import CONFIG_FILE, LEARNER_DIRS, jupyter_config, learner_root, server_command, start, stop

SENTINELS = {
    "graders/keys/3.2.yaml": "KEY-SENTINEL-3f9a",
    "graders/source/m3_2_fr/module_3_2.ipynb": "HIDDEN-SENTINEL-77c1",
    "graders/signing/issuer_ed25519.pem": "SIGNING-SENTINEL-0b2e",
    "graders/gradebook.db": "GRADEBOOK-SENTINEL-d41d",
}
LEARNER_NOTEBOOK = "notebooks/course3_ai/fr/module_3_2.ipynb"
ROUTES = ["/api/contents/{}", "/api/contents/{}?content=1&format=text", "/api/contents/{}?content=1&format=base64",
          "/api/contents/{}/checkpoints", "/files/{}", "/files/{}?download=1", "/view/{}", "/nbconvert/html/{}",
          "/nbconvert/script/{}?download=true", "/voila/render/{}", "/voila/files/{}", "/voila/tree/{}",
          "/voila/api/contents/{}"]


def _notebook(text: str) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nb)


def fake_checkout(base: Path) -> Path:
    """The checkout's layout: learners' folders, and graders/ holding sentinel secrets."""
    (base / "notebooks/course3_ai/fr").mkdir(parents=True)
    (base / LEARNER_NOTEBOOK).write_text(_notebook("print('lesson')"), encoding="utf-8")
    (base / "voila_app").mkdir()
    shutil.copy(ROOT / "voila_app" / "path.ipynb", base / "voila_app" / "path.ipynb")
    for rel, secret in SENTINELS.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        text = _notebook(f"### BEGIN HIDDEN TESTS\nassert '{secret}'") if rel.endswith(".ipynb") else secret
        (base / rel).write_text(text, encoding="utf-8")
    return base


def _get(base: str, target: str, token: str | None = None) -> tuple[int, str, bytes]:
    """A raw GET: the path is sent as written (`..`, `%2e%2e` untouched), redirects not followed."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    conn.request("GET", target, headers={"Authorization": f"token {token}"} if token else {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, resp.getheader("Location") or "", body


def _variants(rel: str, served: Path, checkout: Path) -> list[str]:
    """The secret's path, and ways to climb to it from the served folders."""
    escape = os.path.relpath(checkout / rel, served)  # ../…/checkout/graders/… from the server root
    return [rel, f"notebooks/../{rel}", f"notebooks/%2e%2e/{rel}", f"voila_app/%2E%2E/{rel}",
            f"notebooks/course3_ai/../../{rel}", "notebooks/..%2f" + rel, escape,
            urllib.parse.quote(escape, safe="")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    checkout = fake_checkout(tmp / "checkout")
    proc, url = start(checkout, env={"SETS_HOME": str(tmp / "home")}, log=tmp / "server.log")
    yield url, proc, checkout
    stop(proc)


@pytest.mark.e2e
def test_graders_files_are_refused_on_every_route(served):
    url, proc, checkout = served
    served_root = proc.server_root
    probes = 0
    for rel in SENTINELS:
        for path in _variants(rel, served_root, checkout) + ["graders", "graders/keys", "notebooks/../graders"]:
            for route in ROUTES:
                target = route.format(path)
                for token in (proc.token, None, "wrong-token"):
                    status, location, body = _get(url, target, token)
                    if status == 302 and token == proc.token:  # Voilà sends non-notebooks to /voila/files/
                        assert location.startswith("/voila/files/"), f"{target}: {location}"
                        status, location, body = _get(url, location, token)
                    probes += 1
                    who = "with the token" if token == proc.token else "without the token"
                    for secret in SENTINELS.values():
                        assert secret.encode() not in body, f"{target} {who}: answered a secret ({status})"
                    if token == proc.token and "/checkpoints" in target:  # a listing: none for a missing file
                        assert status in (403, 404) or body.strip() == b"[]", f"{target} {who}: {status} {body!r}"
                    elif token == proc.token:
                        assert status in (403, 404), f"{target} {who}: {status}"
                    else:  # pages send a stranger to the login page, the API refuses
                        assert status in (403, 404) or (status == 302 and "/login" in location), \
                            f"{target} {who}: {status} {location}"
    assert probes > 1000


@pytest.mark.e2e
def test_token_required_and_only_learner_folders_served(served):
    url, proc, _checkout = served
    # Without the token (or with a wrong one) the API is refused, even the listing of learners' folders.
    for target in ("/api/contents", f"/api/contents/{LEARNER_NOTEBOOK}", "/api/kernels", "/api/sessions",
                   "/api/terminals", "/api/me"):
        for token in (None, "wrong-token"):
            status, _loc, body = _get(url, target, token)
            assert status == 403, f"{target} without the token: {status}"
    status, location, _ = _get(url, "/voila/render/voila_app/path.ipynb")
    assert status == 302 and "/login" in location
    # With it, the root lists only the learners' folders, and their files are served.
    status, _, body = _get(url, "/api/contents", proc.token)
    assert status == 200
    assert sorted(item["name"] for item in json.loads(body)["content"]) == sorted(LEARNER_DIRS)
    for route in ("/api/contents/{}", "/files/{}", "/nbconvert/html/{}"):
        status, _, body = _get(url, route.format(LEARNER_NOTEBOOK), proc.token)
        assert status == 200 and b"lesson" in body, route
    # The token is in the server's environment, never on its command line (which `ps` shows to all).
    cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
    assert proc.token.encode() not in cmdline


def test_learner_root_holds_only_learner_folders(tmp_path):
    checkout = fake_checkout(tmp_path / "checkout")
    root = learner_root(checkout, tmp_path / "root")
    assert sorted(p.name for p in root.iterdir()) == sorted(LEARNER_DIRS)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    # Kernels start in the real folders: answers files land beside the notebooks.
    assert (root / "notebooks").resolve() == (checkout / "notebooks").resolve()
    cmd = server_command(root, 8866)
    assert f"--config={CONFIG_FILE}" in cmd and not any("token" in a.lower() for a in cmd)


def test_one_config_for_serve_and_hub():
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader
    c = jupyter_config()
    assert c.MappingKernelManager.cull_idle_timeout > 0 and c.MappingKernelManager.cull_connected is False
    assert callable(c.VoilaConfiguration.prelaunch_hook)
    assert "disable_check_xsrf" not in c.ServerApp
    # The shipped config file (what `sets serve` and a hub image load) gives the same settings.
    loaded = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    assert isinstance(loaded, Config)
    assert loaded.MappingKernelManager == c.MappingKernelManager
    assert loaded.VoilaConfiguration.prelaunch_hook is c.VoilaConfiguration.prelaunch_hook


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_are_owner_only(env, tmp_path):
    from sets_courseware.certificates import signing_key
    from sets_courseware.settings import get_settings
    from sets_courseware.store import Store
    get_settings.cache_clear()
    old_umask = os.umask(0o022)  # a usual umask: modes must not depend on it
    try:
        home = tmp_path / "home"
        Store._default = None
        store = Store.default()
        store.save_response("ana", "3", "initial", "3.2.q1", "a")
        db = home / "sets.sqlite"
        assert _mode(home) == 0o700
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert path.exists() and _mode(path) == 0o600, path
        # A store from an older version (0644 file, 0755 home) is tightened when opened.
        Store._default = None
        store.engine.dispose()
        os.chmod(db, 0o644)
        os.chmod(home, 0o755)
        Store.default()
        assert _mode(db) == 0o600 and _mode(home) == 0o700
        signing = tmp_path / "graders" / "signing"
        signing_key(signing)
        assert _mode(signing) == 0o700 and _mode(signing / "issuer_ed25519.pem") == 0o600
        os.chmod(signing / "issuer_ed25519.pem", 0o644)
        signing_key(signing)
        assert _mode(signing / "issuer_ed25519.pem") == 0o600
    finally:
        os.umask(old_umask)
        Store._default = None
        get_settings.cache_clear()

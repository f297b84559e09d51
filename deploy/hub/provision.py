#!/usr/bin/env python3
"""Prepare a machine for the SETS hub (run as root, standard library only; see README.md).

    python3 deploy/hub/provision.py            # reads the same SETS_* variables as jupyterhub_config.py

- local accounts: one per SETS_HUB_USERS entry (created if missing, with a password: the
  one in SETS_HUB_PASSWORD, else a random one printed once), the service's account
  (SETS_SERVICE_ACCOUNT, no login, no home) and the group `sets-graders`;
- SETS_SRV/course/      notebooks/ and voila_app/ copied into each home at first spawn (755);
- SETS_SRV/service/     the assessment service's keys and store: owner the service account,
                        700, key files 600 (outside every home and the exchange);
- SETS_SRV/jupyter/     per-role and per-language Jupyter configuration (JUPYTER_CONFIG_PATH);
- SETS_GRADERS_DIR      the nbgrader course of the graders (group sets-graders, 2770):
                        nbgrader_config.py and the module-quiz keys;
- SETS_EXCHANGE         nbgrader's exchange, world-writable as nbgrader's docs set it up;
                        nbgrader itself makes the course's inbound/ writable but not listable.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GRADERS_GROUP = os.environ.get("SETS_GRADERS_GROUP", "sets-graders")
ROLES = ("learner", "trainer", "grader")

#: nbgrader's instructor tools, hidden from learners and trainers (labextension plugin ids and
#: server extensions, as nbgrader's installation docs name them).
INSTRUCTOR_LAB_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list"]
INSTRUCTOR_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]


def settings(env=os.environ) -> dict:
    return {
        "srv": Path(env.get("SETS_SRV", "/srv/sets")),
        "exchange": Path(env.get("SETS_EXCHANGE", "/srv/nbgrader/exchange")),
        "graders_dir": Path(env.get("SETS_GRADERS_DIR", "/srv/nbgrader/sets")),
        "service_account": env.get("SETS_SERVICE_ACCOUNT", "sets-svc"),
        "users": env.get("SETS_HUB_USERS", ""),
        "password": env.get("SETS_HUB_PASSWORD", ""),
        "lang": env.get("SETS_HUB_LANG", "fr"),
    }


def parse_users(spec: str, default_lang: str = "fr") -> dict[str, tuple[str, str]]:
    users = {}
    for item in spec.replace(",", " ").split():
        name, _, rest = item.partition(":")
        role, _, lang = (rest or "learner").partition(":")
        if role not in ROLES:
            raise SystemExit(f"SETS_HUB_USERS: {item!r}: the role is one of {', '.join(ROLES)}")
        users[name] = (role, lang or default_lang)
    return users


def run(*cmd: str, stdin: str | None = None) -> None:
    subprocess.run(cmd, check=True, input=stdin, text=True, stdout=subprocess.DEVNULL)


def exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def ensure_group(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        run("groupadd", "--system", name)
        return grp.getgrnam(name).gr_gid


def ensure_accounts(users: dict[str, tuple[str, str]], service_account: str, password: str = "") -> dict[str, str]:
    """Create missing accounts; returns {user: password} for the ones created here."""
    ensure_group(GRADERS_GROUP)
    if not exists(service_account):
        run("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
            "--shell", "/usr/sbin/nologin", service_account)
    created = {}
    for name, (role, _) in users.items():
        if not exists(name):
            run("useradd", "--create-home", "--shell", "/bin/bash", name)
            os.chmod(pwd.getpwnam(name).pw_dir, 0o700)  # homes are private to their owner
            created[name] = password or secrets.token_urlsafe(9)
            run("chpasswd", stdin=f"{name}:{created[name]}\n")
        if role == "grader":
            run("usermod", "--append", "--groups", GRADERS_GROUP, name)
    return created


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)


def _chown_tree(root: Path, uid: int, gid: int, dirmode: int, filemode: int) -> None:
    for dirpath, _, files in os.walk(root):
        os.chown(dirpath, uid, gid)
        os.chmod(dirpath, dirmode)
        for f in files:
            p = os.path.join(dirpath, f)
            os.chown(p, uid, gid)
            os.chmod(p, filemode)


def jupyter_configs(srv: Path, exchange: Path, graders_dir: Path) -> None:
    """SETS_SRV/jupyter/<role>/ and lang-<xx>/: what JUPYTER_CONFIG_PATH adds to each server."""
    base = srv / "jupyter"
    if base.exists():
        shutil.rmtree(base)
    server_settings = (
        "# The product's single-user server settings (kernel culling, Voilà's kernels freed on close),\n"
        "# kept in one place in the package (sets_courseware.serve.jupyter_config).\n"
        "c = get_config()  # noqa: F821\n"
        "try:\n"
        "    from sets_courseware.serve import jupyter_config\n"
        "except ImportError:\n"
        "    c.MappingKernelManager.cull_idle_timeout = 600\n"
        "    c.MappingKernelManager.cull_interval = 60\n"
        "else:\n"
        "    c.merge(jupyter_config())\n"
        "# A hub server: the hub authenticates, the spawner sets the default URL and root.\n"
        "for trait in ('token', 'password'):\n"
        "    c.IdentityProvider.pop(trait, None)\n"
        "c.ServerApp.pop('root_dir', None)\n"
    )
    learner_nbgrader = (
        "# nbgrader for learners: one course, fetch and submit through the hub's exchange.\n"
        "c = get_config()  # noqa: F821\n"
        "c.CourseDirectory.course_id = 'sets'\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
    )
    grader_nbgrader = (
        "# nbgrader for graders: the course folder shared by the group sets-graders.\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(graders_dir / 'nbgrader_config.py')!r})  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(graders_dir)!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.CourseDirectory.groupshared = True\n"
    )
    for role in ROLES:
        d = base / role
        _write(d / "jupyter_server_config.py", server_settings)
        if role == "grader":
            _write(d / "nbgrader_config.py", grader_nbgrader)
        else:
            _write(d / "nbgrader_config.py", learner_nbgrader)
            _write(d / "jupyter_server_config.json", json.dumps(
                {"ServerApp": {"jpserver_extensions": {e: False for e in INSTRUCTOR_SERVER_EXTENSIONS}}}, indent=1))
            _write(d / "labconfig" / "page_config.json", json.dumps(
                {"disabledExtensions": {p: True for p in INSTRUCTOR_LAB_PLUGINS}}, indent=1))
    course_overrides = json.loads((REPO / "src" / "sets_courseware" / "data" / "lab-settings" / "overrides.json").read_text())
    for lang, locale in (("fr", "fr_FR"), ("en", "en")):
        d = base / f"lang-{lang}"
        overrides = {**course_overrides, "@jupyterlab/translation-extension:plugin": {"locale": locale}}
        _write(d / "lab-settings" / "overrides.json", json.dumps(overrides, indent=1))
        _write(d / "jupyter_server_config.json",
               json.dumps({"LabApp": {"app_settings_dir": str(d / "lab-settings")}}, indent=1))
    _chown_tree(base, 0, 0, 0o755, 0o644)


def provision(cfg: dict | None = None, repo: Path = REPO) -> dict[str, str]:
    cfg = cfg or settings()
    if os.geteuid() != 0:
        raise SystemExit("provision.py runs as root: it creates accounts and owner-only folders")
    users = parse_users(cfg["users"], cfg["lang"])
    created = ensure_accounts(users, cfg["service_account"], cfg["password"])
    srv, exchange, graders_dir = cfg["srv"], cfg["exchange"], cfg["graders_dir"]
    svc = pwd.getpwnam(cfg["service_account"])
    gid_graders = grp.getgrnam(GRADERS_GROUP).gr_gid
    srv.mkdir(parents=True, exist_ok=True)
    os.chmod(srv, 0o755)
    (srv / "hub").mkdir(exist_ok=True)
    os.chmod(srv / "hub", 0o700)
    # The courseware learners open (never graders/).
    course = srv / "course"
    if course.exists():
        shutil.rmtree(course)
    for sub in ("notebooks", "voila_app"):
        shutil.copytree(repo / sub, course / sub, ignore=shutil.ignore_patterns(
            ".ipynb_checkpoints", "sets-answers-*.json*", "mes_fichiers", "my_files", "__pycache__"))
    _chown_tree(course, 0, 0, 0o755, 0o644)
    # The assessment service: keys and store readable by its account only.
    service = srv / "service"
    (service / "keys").mkdir(parents=True, exist_ok=True)
    for old in (service / "keys").glob("*.yaml"):
        old.unlink()
    for key in sorted((repo / "graders" / "keys").glob("*.yaml")):
        shutil.copy(key, service / "keys" / key.name)
    _chown_tree(service, svc.pw_uid, svc.pw_gid, 0o700, 0o600)
    # The graders' nbgrader course: config and keys (assessment and module-quiz), group only.
    graders_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "graders" / "nbgrader_config.py", graders_dir / "nbgrader_config.py")
    if (graders_dir / "keys").exists():
        shutil.rmtree(graders_dir / "keys")
    shutil.copytree(repo / "graders" / "keys", graders_dir / "keys")
    _chown_tree(graders_dir, 0, gid_graders, 0o2770, 0o660)
    parent = graders_dir.parent
    if not os.stat(parent).st_mode & 0o005:
        os.chmod(parent, 0o755)
    # nbgrader's exchange (nbgrader docs: `mkdir -p /srv/nbgrader/exchange; chmod ugo+rw`).
    exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(exchange, 0o777)
    jupyter_configs(srv, exchange, graders_dir)
    return created


def main() -> int:
    cfg = settings()
    created = provision(cfg)
    users = parse_users(cfg["users"], cfg["lang"])
    for name, (role, lang) in users.items():
        note = f"password: {created[name]}" if name in created else "existing account: its own password"
        print(f"  {name:12} {role:8} {lang}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

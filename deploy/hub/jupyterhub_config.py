"""JupyterHub configuration for one SETS course cohort (see deploy/hub/README.md).

Run by `make hub` (loopback) or by the hub's system service, as root (the spawner starts
each server as the user's own local account), from the environment that
deploy/hub/build-env.sh builds. `deploy/hub/provision.py` prepares the folders this file
points to. Everything that changes between machines comes from environment variables:

    SETS_HUB_USERS     "alice:learner bob:learner:en tom:trainer gina:grader" (name:role[:lang])
    SETS_HUB_IP/PORT   where the proxy listens (127.0.0.1:8000)
    SETS_SRV           the product's state on the machine (/srv/sets): hub/, course/, jupyter/, service/
    SETS_EXCHANGE      nbgrader's exchange (/srv/nbgrader/exchange)
    SETS_GRADERS_DIR   the nbgrader course folder of the graders (/srv/nbgrader/sets)
    SETS_SERVICE_PORT  the assessment service's port on 127.0.0.1 (10101)
    SETS_SERVICE_ACCOUNT  the local account the service runs as (sets-svc)
    SETS_HUB_LANG      the cohort's language (fr)

Who can read what (DESIGN.md §8): learners, trainers and graders are separate local
accounts; the answer keys and the store are in SETS_SRV/service/, mode 700, owned by the
service's account; the graders' course folder (module-quiz keys, gradebook) is group
`sets-graders`, mode 2770. A learner's server gets the service's URL and its own hub token
(scope `access:services!service=sets-assessment`), never a database URL, key path or
credential.
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub)

HERE = Path(__file__).resolve().parent
ENV_BIN = Path(sys.executable).parent  # the hub's environment: the servers run from it too
PREFIX = ENV_BIN.parent.parent  # build-env.sh: PREFIX/venv/bin/python, PREFIX/node/…

SERVICE = "sets-assessment"
COHORT_SCOPE = "custom:sets-cohort"
ROLES = ("learner", "trainer", "grader")
GROUPS = {"learner": "learners", "trainer": "trainers", "grader": "graders"}

SRV = Path(os.environ.get("SETS_SRV", "/srv/sets"))
EXCHANGE = os.environ.get("SETS_EXCHANGE", "/srv/nbgrader/exchange")
GRADERS_DIR = os.environ.get("SETS_GRADERS_DIR", "/srv/nbgrader/sets")
HUB_IP = os.environ.get("SETS_HUB_IP", "127.0.0.1")
HUB_PORT = int(os.environ.get("SETS_HUB_PORT", "8000"))
SERVICE_PORT = int(os.environ.get("SETS_SERVICE_PORT", "10101"))
SERVICE_ACCOUNT = os.environ.get("SETS_SERVICE_ACCOUNT", "sets-svc")
COHORT_LANG = os.environ.get("SETS_HUB_LANG", "fr")
CULL_SERVERS_AFTER_S = int(os.environ.get("SETS_CULL_SERVERS_AFTER", "3600"))


def parse_users(spec: str) -> dict[str, tuple[str, str]]:
    """"alice:learner bob:learner:en tom:trainer" -> {name: (role, lang)}."""
    users = {}
    for item in spec.replace(",", " ").split():
        name, _, rest = item.partition(":")
        role, _, lang = (rest or "learner").partition(":")
        if role not in ROLES:
            raise ValueError(f"SETS_HUB_USERS: {item!r}: the role is one of {', '.join(ROLES)}")
        users[name] = (role, lang or COHORT_LANG)
    return users


USERS = parse_users(os.environ.get("SETS_HUB_USERS", ""))

# -- the hub -------------------------------------------------------------------------------
(SRV / "hub").mkdir(parents=True, exist_ok=True)
c.JupyterHub.ip = HUB_IP
c.JupyterHub.port = HUB_PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{SRV / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(SRV / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(SRV / "hub" / "jupyterhub.pid")
chp = PREFIX / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [os.environ.get("SETS_HUB_CHP") or (str(chp) if chp.exists() else "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(SRV / "hub" / "jupyterhub-proxy.pid")

# -- who logs in: the machine's own accounts, through PAM ----------------------------------
# Real local accounts (each server runs as its user, so file permissions separate learners
# from the keys, the store and each other). The tests log in the same way: they create
# local accounts with passwords (chpasswd) and go through PAM like a person would.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(USERS)
c.Authenticator.admin_users = set()
c.Authenticator.delete_invalid_users = True

# -- groups, roles, scopes -----------------------------------------------------------------
c.JupyterHub.custom_scopes = {
    COHORT_SCOPE: {"description": "Read the cohort's assessment results and let a learner retake an evaluation "
                                  "(SETS assessment service)."},
}
c.JupyterHub.load_groups = {
    group: {"users": sorted(n for n, (r, _) in USERS.items() if r == role), "properties": {"sets-role": role}}
    for role, group in GROUPS.items()
}
c.JupyterHub.load_roles = [
    # Every hub user keeps the default `user` role (their own server); the course roles add:
    {"name": "sets-learner", "description": "Takes the assessments through the service",
     "groups": ["learners", "trainers", "graders"],
     "scopes": [f"access:services!service={SERVICE}"]},
    {"name": "sets-trainer", "description": "Reads the cohort's results, lets a learner retake an evaluation",
     "groups": ["trainers"],
     "scopes": [COHORT_SCOPE, "read:users:name!group=learners", "read:groups:name"]},
    {"name": "sets-grader", "description": "Grades module quizzes (nbgrader), reads the cohort's results",
     "groups": ["graders"],
     "scopes": [COHORT_SCOPE, "read:users:name!group=learners"]},
    {"name": "sets-assessment-service", "description": "The assessment service resolves tokens and group names",
     "services": [SERVICE],
     "scopes": ["read:users:name", "read:users:groups", "read:groups:name"]},
    {"name": "idle-culler", "description": "Stops servers idle for longer than the limit",
     "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]


def role_of(name: str) -> str:
    return USERS.get(name, ("learner", COHORT_LANG))[0]


def server_token_scopes(spawner) -> list[str]:
    """$JUPYTERHUB_API_TOKEN of each server: the hub's defaults, the service, and the cohort
    scope for trainers and graders (the hub keeps only what the owner holds anyway)."""
    scopes = ["access:servers!server", "users:activity!user", f"access:services!service={SERVICE}"]
    if role_of(spawner.user.name) in ("trainer", "grader"):
        scopes.append(COHORT_SCOPE)
    return scopes


c.Spawner.server_token_scopes = server_token_scopes

# -- the single-user servers ----------------------------------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(ENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/voila/render/voila_app/path.ipynb"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.LocalProcessSpawner.shell_cmd = []
SERVICE_URL = f"http://127.0.0.1:{HUB_PORT}/services/{SERVICE}/" if HUB_IP in ("127.0.0.1", "0.0.0.0", "") \
    else f"http://{HUB_IP}:{HUB_PORT}/services/{SERVICE}/"
# What a server sees (only this, plus JupyterHub's own JUPYTERHUB_* variables).
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "TZ"]


def course_dir() -> Path:
    return SRV / "course"


def pre_spawn_hook(spawner):
    """Per-role Jupyter configuration, per-language JupyterLab settings, the courseware in the home."""
    import pwd
    name = spawner.user.name
    role, lang = USERS.get(name, ("learner", COHORT_LANG))
    pw = pwd.getpwnam(name)
    home = Path(pw.pw_dir)
    # The courseware the learner opens: notebooks/ and voila_app/ (never graders/). Copied
    # once; a learner's edits and answers files stay theirs.
    for sub in ("notebooks", "voila_app"):
        src, dst = course_dir() / sub, home / sub
        if src.is_dir() and not dst.exists():
            shutil.copytree(src, dst)
            for root, dirs, files in os.walk(dst):
                os.chown(root, pw.pw_uid, pw.pw_gid)
                for f in files:
                    os.chown(os.path.join(root, f), pw.pw_uid, pw.pw_gid)
    config_path = [str(SRV / "jupyter" / role), str(SRV / "jupyter" / f"lang-{lang}")]
    spawner.environment = {**spawner.environment,
        # Searched before the environment's own etc/jupyter: disables nbgrader's instructor
        # tools for learners and trainers, loads the nbgrader course of the role, kernel culling.
        "JUPYTER_CONFIG_PATH": os.pathsep.join(config_path),
        "SETS_LANG": lang,
        "SETS_SERVICE_URL": SERVICE_URL,
        "SETS_EXCHANGE": EXCHANGE,
        "LANG": "C.UTF-8",
        "PATH": f"{ENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    }
    if role == "grader":
        # Graders hold the module-quiz keys (DESIGN.md §8) in their group-only course folder.
        spawner.environment = {**spawner.environment,
                               "SETS_GRADERS_DIR": GRADERS_DIR,
                               "SETS_KEYS_DIR": f"{GRADERS_DIR}/keys",
                               "SETS_NOTEBOOKS_DIR": str(course_dir() / "notebooks")}


c.Spawner.pre_spawn_hook = pre_spawn_hook

# -- hub services: the assessment service and the idle culler -------------------------------
service_dir = SRV / "service"
c.JupyterHub.services = [
    {
        "name": SERVICE,
        "url": f"http://127.0.0.1:{SERVICE_PORT}",
        "command": [sys.executable, "-m", "sets_courseware.service"],
        "user": SERVICE_ACCOUNT,
        "cwd": str(service_dir),
        "display": False,
        "environment": {
            "SETS_HOME": str(service_dir),
            "SETS_KEYS_DIR": str(service_dir / "keys"),
            "SETS_DB_URL": os.environ.get("SETS_SERVICE_DB_URL", f"sqlite:///{service_dir / 'sets.sqlite'}"),
            "SETS_LANG": COHORT_LANG,
            "HOME": str(service_dir),
            "MPLCONFIGDIR": str(service_dir / ".matplotlib"),
        },
    },
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL_SERVERS_AFTER_S}"],
    },
]

"""deploy/z2jh/values.yaml against the Zero to JupyterHub chart's real values schema.

As helm does: deep-merge our values over the chart's defaults (mappings key by key,
anything else replaces), then validate with the chart's JSON schema (Draft 7, without its
`description` keys). The chart's schema and defaults are vendored in the project's shared
folder beside the checkout (`../shared/vendor/z2jh/`); SETS_Z2JH_CHART_DIR overrides.
Then the deployment's own invariants: keys only in the service's containers, no password
in the file, every role, group, scope and service referred to exists.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
import types
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
Z2JH = ROOT / "deploy" / "z2jh"
VALUES = Z2JH / "values.yaml"
CHART = Path(os.environ.get("SETS_Z2JH_CHART_DIR") or ROOT.parent / "shared" / "vendor" / "z2jh")
SERVICE = "sets-assessment"
KEYS_SECRET = "sets-assessment-keys"


def _chart_file(name: str) -> Path:
    path = CHART / name
    assert path.is_file(), (f"{path} missing: the chart's vendored schema lives in the shared folder "
                            "beside the checkout (../shared/vendor/z2jh/), or set SETS_Z2JH_CHART_DIR")
    return path


def _strip_descriptions(node):
    if isinstance(node, dict):
        return {k: _strip_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_strip_descriptions(v) for v in node]
    return node


def deep_merge(base, override):
    """Helm's coalescing of values: mappings merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


@pytest.fixture(scope="module")
def schema():
    return _strip_descriptions(yaml.safe_load(_chart_file("values.schema.yaml").read_text()))


@pytest.fixture(scope="module")
def defaults():
    return yaml.safe_load(_chart_file("values.yaml").read_text())


@pytest.fixture(scope="module")
def ours():
    return yaml.safe_load(VALUES.read_text())


@pytest.fixture(scope="module")
def merged(defaults, ours):
    return deep_merge(defaults, ours)


def errors(schema, values) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(values)]


# --- the chart's schema -------------------------------------------------------------------

def test_schema_is_draft7_and_valid(schema):
    assert schema["$schema"].startswith("http://json-schema.org/draft-07/")
    jsonschema.Draft7Validator.check_schema(schema)


def test_chart_defaults_alone_validate(schema, defaults):
    assert errors(schema, defaults) == []


def test_our_values_validate_against_the_chart_schema(schema, merged):
    assert errors(schema, merged) == []


def test_deep_merge_keeps_chart_defaults_and_replaces_lists():
    merged = deep_merge({"a": {"b": 1, "c": [1, 2]}, "d": 1}, {"a": {"c": [3]}, "e": 2})
    assert merged == {"a": {"b": 1, "c": [3]}, "d": 1, "e": 2}


@pytest.mark.parametrize("path, value, expected", [
    (("singleuser", "profileLis"), [], "Additional properties"),          # misspelt key
    (("singleuser", "storag"), {"type": "none"}, "Additional properties"),
    (("cull", "timeout"), "soon", "is not of type"),                     # wrong type
    (("singleuser", "image", "tag"), 1, "is not of type"),
    (("hub", "db", "type"), "postgresql", "is not one of"),              # not an allowed value
])
def test_wrong_key_or_type_fails(schema, ours, defaults, path, value, expected):
    broken = copy.deepcopy(ours)
    node = broken
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    found = errors(schema, deep_merge(defaults, broken))
    assert found, f"{'.'.join(path)} = {value!r} should fail the chart's schema"
    assert any(expected in e for e in found), found


# --- our invariants ----------------------------------------------------------------------

def _mounts_of(container: dict) -> set[str]:
    return {m["name"] for m in container.get("volumeMounts", [])}


def _keys_volumes(ours) -> set[str]:
    """Names of hub-pod volumes that hold the keys: the Secret and its private copy."""
    vols = ours["hub"]["extraVolumes"]
    secret = {v["name"] for v in vols if v.get("secret", {}).get("secretName") == KEYS_SECRET}
    assert secret, "the keys Secret is not mounted anywhere"
    keys_dir_mounts = {m["name"] for c in ours["hub"]["extraContainers"] for m in c.get("volumeMounts", [])
                       if any(e.get("name") == "SETS_KEYS_DIR" and e["value"].startswith(m["mountPath"])
                              for e in c.get("env", []))}
    return secret | keys_dir_mounts


def test_keys_secret_mounted_read_only_and_only_in_the_service_containers(ours):
    keys = _keys_volumes(ours)
    hub = ours["hub"]
    secret_vol = next(v for v in hub["extraVolumes"] if v.get("secret", {}).get("secretName") == KEYS_SECRET)
    assert secret_vol["secret"]["defaultMode"] in (0o400, 0o600)
    # Not in the hub container itself.
    assert not {m["name"] for m in hub.get("extraVolumeMounts", [])} & keys
    # Only the assessment service's containers mount them, read-only where they read them.
    holders = [c for c in hub["initContainers"] + hub["extraContainers"] if _mounts_of(c) & keys]
    assert {c["name"] for c in holders} == {"sets-assessment", "sets-assessment-keys"}
    for c in holders:
        for m in c["volumeMounts"]:
            if m["name"] == secret_vol["name"]:
                assert m.get("readOnly") is True
        assert c["securityContext"]["runAsUser"] != ours["singleuser"]["uid"]
    service = next(c for c in hub["extraContainers"] if c["name"] == SERVICE)
    assert all(m.get("readOnly") for m in service["volumeMounts"] if m["name"] in keys)
    assert service["command"] == ["python", "-m", "sets_courseware.service"]
    # The private copy is in memory, never on a node's disk.
    for v in hub["extraVolumes"]:
        if v["name"] in keys and "emptyDir" in v:
            assert v["emptyDir"]["medium"] == "Memory"


def test_nothing_of_the_service_reaches_user_pods(ours):
    user_side = json.dumps(ours["singleuser"]) + json.dumps(ours["custom"])
    for secret_name in (KEYS_SECRET, "sets-assessment-db", "sets-oauth"):
        assert secret_name not in user_side
    for var in ("SETS_KEYS_DIR", "SETS_DB_URL", "JUPYTERHUB_API_TOKEN"):
        assert var not in user_side
    for volume in _keys_volumes(ours):  # nor a mount of the hub pod's keys volumes
        assert volume not in user_side
    assert not {m["name"] for m in ours["hub"].get("extraVolumeMounts", [])} & _keys_volumes(ours)
    assert ours["singleuser"]["extraEnv"]["SETS_SERVICE_URL"].startswith("http://hub:8100/services/sets-assessment/")


def test_db_url_is_a_secret_reference(ours):
    service = next(c for c in ours["hub"]["extraContainers"] if c["name"] == SERVICE)
    env = {e["name"]: e for e in service["env"]}
    assert "value" not in env["SETS_DB_URL"]
    assert env["SETS_DB_URL"]["valueFrom"]["secretKeyRef"] == {"name": "sets-assessment-db", "key": "url"}
    token = env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert token == {"name": "hub", "key": f"hub.services.{SERVICE}.apiToken"}
    assert ours["fullnameOverride"] == ""  # the hub Secret is then named "hub"
    assert env["JUPYTERHUB_SERVICE_NAME"]["value"] == SERVICE
    assert env["PYTHONSAFEPATH"]["value"] == "1"


def test_no_password_or_token_literal():
    data = yaml.safe_load(VALUES.read_text())

    def walk(node, path=()):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, (*path, str(k)))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, (*path, str(i)))
        else:
            yield path, node

    for path, value in walk(data):
        if isinstance(value, str):
            assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", value), f"credentials in a URL at {'.'.join(path)}"
    secretish = re.compile(r"(password|secret|api_?token|cookie|client_secret)$", re.I)
    for path, value in walk(data):
        if secretish.search(path[-1]) and path[-1] not in ("secretName",):
            assert value in (None, ""), f"{'.'.join(path)} holds a literal"
    assert data["hub"]["services"][SERVICE].get("apiToken") is None
    assert data["hub"]["services"][SERVICE].get("api_token") is None


def _extra_config_namespace(merged):
    """Run hub.extraConfig as the hub would, with z2jh's get_config reading our values."""
    from traitlets.config import Config

    def get_config(key, default=None):
        node = merged
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    stub = types.ModuleType("z2jh")
    stub.get_config = get_config
    saved = sys.modules.get("z2jh")
    sys.modules["z2jh"] = stub
    try:
        c = Config()
        ns = {"c": c}
        for name in sorted(merged["hub"]["extraConfig"]):
            exec(compile(merged["hub"]["extraConfig"][name], f"extraConfig.{name}", "exec"), ns)
    finally:
        if saved is None:
            sys.modules.pop("z2jh", None)
        else:
            sys.modules["z2jh"] = saved
    return c


class _User:
    def __init__(self, uid, *groups):
        self.id = uid
        self.groups = [types.SimpleNamespace(name=g) for g in groups]


class _Spawner:
    def __init__(self, user, merged):
        self.user = user
        self.volumes = [{"name": "home"}, *merged["singleuser"]["storage"]["extraVolumes"]]
        self.volume_mounts = [{"name": "home", "mountPath": "/home/jovyan"},
                              *merged["singleuser"]["storage"]["extraVolumeMounts"]]
        self.environment = dict(merged["singleuser"]["extraEnv"])


def test_roles_groups_scopes_and_services_all_exist(merged):
    c = _extra_config_namespace(merged)
    hub = merged["hub"]
    custom_scopes = set(c.JupyterHub.custom_scopes)
    assert custom_scopes == {"custom:sets-cohort"}
    groups = set(hub["config"]["JupyterHub"]["load_groups"])
    assert groups == {"learners", "trainers", "graders"}
    assert set(hub["config"]["GenericOAuthenticator"]["allowed_groups"]) == groups
    services = set(hub["services"])
    builtin = re.compile(r"^(access:servers|access:services|users:activity|read:users:name|read:users:groups|read:groups)(!.*)?$")
    for name, role in hub["loadRoles"].items():
        assert set(role.get("groups", [])) <= groups, name
        assert set(role.get("services", [])) <= services, name
        for scope in role["scopes"]:
            assert scope in custom_scopes or builtin.match(scope), (name, scope)
            if scope.startswith("access:services!service="):
                assert scope.split("=", 1)[1] in services
    for scope in hub["config"]["KubeSpawner"]["server_token_scopes"]:
        assert scope in custom_scopes or builtin.match(scope), scope
    assert f"access:services!service={SERVICE}" in hub["config"]["KubeSpawner"]["server_token_scopes"]
    by_group = {g: set() for g in groups}
    for role in hub["loadRoles"].values():
        for g in role.get("groups", []):
            by_group[g] |= set(role["scopes"])
    assert f"access:services!service={SERVICE}" in by_group["learners"]
    assert "custom:sets-cohort" not in by_group["learners"] | by_group["graders"]
    assert "custom:sets-cohort" in by_group["trainers"]
    # Profiles name only declared groups, and each group has a profile.
    slugs = {p["slug"] for p in merged["singleuser"]["profileList"]}
    profile_groups = merged["custom"]["sets"]["profileGroups"]
    assert set(profile_groups) == slugs
    assert set().union(*map(set, profile_groups.values())) == groups


def test_each_group_sees_its_own_profile_and_only_graders_get_the_course(merged):
    c = _extra_config_namespace(merged)
    profiles = c.KubeSpawner.profile_list
    for uid, group, slug in [(1, "learners", "learner"), (2, "trainers", "trainer"), (3, "graders", "grader")]:
        spawner = _Spawner(_User(uid, group), merged)
        assert [p["slug"] for p in profiles(spawner)] == [slug]
    assert profiles(_Spawner(_User(4), merged)) == []

    learner, grader = _Spawner(_User(1, "learners"), merged), _Spawner(_User(3, "graders"), merged)
    for _ in range(2):  # a restart adds nothing twice
        c.KubeSpawner.pre_spawn_hook(learner)
        c.KubeSpawner.pre_spawn_hook(grader)
    course = merged["custom"]["sets"]["graderCourse"]["volume"]["name"]
    assert course not in {v["name"] for v in learner.volumes}
    assert [v["name"] for v in grader.volumes].count(course) == 1
    assert {m["mountPath"] for m in grader.volume_mounts} >= {"/srv/nbgrader/course", "/srv/nbgrader/exchange"}
    assert grader.environment["PYTHONSAFEPATH"] == "1"
    assert "PYTHONSAFEPATH" not in learner.environment
    # Each user a uid of their own, never the service's.
    assert c.KubeSpawner.uid(learner) != c.KubeSpawner.uid(grader)
    assert 1001 not in {c.KubeSpawner.uid(learner), c.KubeSpawner.uid(grader)}


def test_grader_profile_turns_instructor_tools_back_on(merged):
    grader = next(p for p in merged["singleuser"]["profileList"] if p["slug"] == "grader")
    env = grader["kubespawner_override"]["environment"]
    assert env["PYTHONSAFEPATH"] == "1"
    assert env["JUPYTER_CONFIG_PATH"] == "/opt/sets/jupyter/grader"
    for p in merged["singleuser"]["profileList"]:
        if p["slug"] != "grader":
            assert "JUPYTER_CONFIG_PATH" not in p["kubespawner_override"]["environment"]
            assert "PYTHONSAFEPATH" not in p["kubespawner_override"]["environment"]
        # YAML merge keys keep the common environment in every profile.
        assert p["kubespawner_override"]["environment"]["SETS_SERVICE_URL"] == merged["singleuser"]["extraEnv"]["SETS_SERVICE_URL"]
    cfg = Z2JH / "jupyter" / "grader"
    page = json.loads((cfg / "labconfig" / "page_config.json").read_text())
    server = json.loads((cfg / "jupyter_server_config.d" / "sets-grader.json").read_text())
    dockerfile = (Z2JH / "Dockerfile").read_text()
    # What the image disables for everyone, the grader's config enables again, and only that.
    disabled_lab = set(re.findall(r"labextension disable --level=sys_prefix (\S+)", dockerfile))
    disabled_server = set(re.findall(r"server extension disable --sys-prefix (\S+)", dockerfile))
    assert disabled_lab == {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                            "@jupyter/nbgrader:course-list"}
    assert disabled_server == {"nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"}
    assert page["disabledExtensions"] == {name: False for name in disabled_lab}
    assert server["ServerApp"]["jpserver_extensions"] == {name: True for name in disabled_server}


def test_exchange_volume_where_nbgrader_expects_it(merged):
    root = merged["singleuser"]["extraFiles"]["nbgrader-exchange"]["data"]["Exchange"]["root"]
    assert root == "/srv/nbgrader/exchange"
    assert "/srv/nbgrader/exchange" in (ROOT / "graders" / "nbgrader_config.py").read_text()
    mounts = {m["mountPath"]: m["name"] for m in merged["singleuser"]["storage"]["extraVolumeMounts"]}
    vols = {v["name"]: v for v in merged["singleuser"]["storage"]["extraVolumes"]}
    assert vols[mounts[root]]["persistentVolumeClaim"]["claimName"] == "sets-nbgrader-exchange"
    pvcs = list(yaml.safe_load_all((Z2JH / "storage.yaml").read_text()))
    exchange = next(p for p in pvcs if p["metadata"]["name"] == "sets-nbgrader-exchange")
    assert exchange["spec"]["accessModes"] == ["ReadWriteMany"]


def test_culling_of_servers_and_kernels(merged):
    assert merged["cull"]["enabled"] is True and 0 < merged["cull"]["timeout"] <= 4 * 3600
    kernels = merged["singleuser"]["extraFiles"]["jupyter-server-culling"]["data"]["MappingKernelManager"]
    assert 0 < kernels["cull_idle_timeout"] <= merged["cull"]["timeout"]
    assert kernels["cull_interval"] > 0


def test_image_has_french_language_pack_and_no_keys():
    dockerfile = (Z2JH / "Dockerfile").read_text()
    assert "jupyterlab-language-pack-fr-FR" in dockerfile
    assert re.search(r"translation-extension:plugin'\] = \{\\?\"locale\\?\": \\?\"fr_FR", dockerfile)
    copied = re.findall(r"^COPY\s+(?:--\S+\s+)*(.+?)\s+\S+$", dockerfile, re.M)
    sources = {s for line in copied for s in line.split()}
    assert not any(s.startswith("graders") or s in (".", "./") for s in sources), sources

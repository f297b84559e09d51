#!/usr/bin/env bash
# Build the hub's environment in PREFIX (default /opt/sets-hub):
#   PREFIX/venv   Python venv from the system python3 (not a per-user Python: every local
#                 account must be able to run it), with the hub, JupyterLab, Voilà, nbgrader,
#                 the French language pack and this package installed non-editable;
#   PREFIX/node   configurable-http-proxy from npm.
# Usage: deploy/hub/build-env.sh [PREFIX] [--full]   (--full adds the course-3 AI exercises' deps)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PREFIX=/opt/sets-hub
FULL=0
for arg in "$@"; do
  case "$arg" in
    --full) FULL=1 ;;
    *) PREFIX=$arg ;;
  esac
done
PY=${HUB_PYTHON:-/usr/bin/python3}
umask 022
mkdir -p "$PREFIX"
chmod 755 "$PREFIX"
if [ ! -x "$PREFIX/venv/bin/python" ]; then
  "$PY" -m venv "$PREFIX/venv"
fi
PIP="$PREFIX/venv/bin/pip"
"$PIP" install --quiet -r "$REPO/deploy/hub/requirements.txt"
# The package itself, non-editable (the checkout may live where learners cannot read it),
# built from a copy so that the checkout gets no build/ folder.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
tar -C "$REPO" --exclude=.venv --exclude=.git --exclude='*.egg-info' --exclude=build \
    -cf - pyproject.toml README.md src | tar -C "$TMP" -xf -
# Its dependencies come from pyproject.toml (one list for every way to install); the course
# exercises' (spaCy, scikit-learn, OCR…) only with --full.
if [ "$FULL" = 1 ]; then
  "$PIP" install --quiet --force-reinstall --no-deps "$TMP" && "$PIP" install --quiet "$TMP[exercises]"
else
  "$PIP" install --quiet --force-reinstall --no-deps "$TMP" && "$PIP" install --quiet "$TMP"
fi
# The course's JupyterLab defaults for every server of this environment (see README).
mkdir -p "$PREFIX/venv/share/jupyter/lab/settings"
cp "$REPO/src/sets_courseware/data/lab-settings/overrides.json" "$PREFIX/venv/share/jupyter/lab/settings/overrides.json"
# configurable-http-proxy, the hub's proxy.
if [ ! -x "$PREFIX/node/node_modules/.bin/configurable-http-proxy" ]; then
  mkdir -p "$PREFIX/node"
  npm install --silent --no-fund --no-audit --prefix "$PREFIX/node" configurable-http-proxy@5 >/dev/null 2>&1 \
    || npm install --no-fund --no-audit --prefix "$PREFIX/node" configurable-http-proxy@5
fi
chmod -R a+rX "$PREFIX"
echo "hub environment ready in $PREFIX"

#!/usr/bin/env bash
# `make hub`: build the hub's environment, prepare the machine, start JupyterHub on loopback.
#   HUB_USERS="alice:learner bob:learner:en tom:trainer gina:grader"  (name:role[:lang])
#   HUB_PREFIX (/opt/sets-hub)  HUB_PORT (8000)  HUB_PASSWORD (password of the accounts created now)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != "0" ]; then
  echo "make hub runs as root: it creates local accounts and starts each user's server as that user" >&2
  exit 1
fi
HUB_PREFIX=${HUB_PREFIX:-/opt/sets-hub}
export SETS_HUB_USERS=${HUB_USERS:-${SETS_HUB_USERS:-alice:learner bob:learner tom:trainer gina:grader}}
export SETS_HUB_PORT=${HUB_PORT:-${SETS_HUB_PORT:-8000}}
export SETS_HUB_IP=${SETS_HUB_IP:-127.0.0.1}
export SETS_HUB_PASSWORD=${HUB_PASSWORD:-${SETS_HUB_PASSWORD:-}}
export SETS_SRV=${SETS_SRV:-/srv/sets}
"$HERE/build-env.sh" "$HUB_PREFIX"
echo "Accounts (log in with the local account's name and password):"
"$HUB_PREFIX/venv/bin/python" "$HERE/provision.py"
echo
echo "SETS hub: http://$SETS_HUB_IP:$SETS_HUB_PORT/  (learners land on the path page; JupyterLab at /user/<name>/lab)"
echo
cd "$SETS_SRV/hub"
exec "$HUB_PREFIX/venv/bin/jupyterhub" -f "$HERE/jupyterhub_config.py"

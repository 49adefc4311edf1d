#!/usr/bin/env bash
# The image's entry point: headless training, every argument goes to scripts/train.py, logs go to ./logs
# (the image's working directory is /app, where compose mounts the host's logs/).
#
#   docker run --gpus all -v "$PWD/logs:/app/logs" ext-walk-minutes --preset paper
#
# --preset NAME reads config/NAME.yaml of the repository, copied into the image (/app/config).
#
# Outside the image it runs with the repository's .venv (the tests do this). WALK_PYTHON names another
# interpreter command (the PhysX image sets "$ISAACLAB_PATH/isaaclab.sh -p"); WALK_TRAIN_ARGS are put in
# front of the arguments (the PhysX image sets physics=isaacsim_physx; a later physics=... wins).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# the same environment as ./run: one OpenMP thread (CPU PPO is slower with more), persistent Warp kernels,
# no complaint from GitPython when git is absent; and unbuffered output, so `docker logs` follows each line
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export WARP_CACHE_PATH="${WARP_CACHE_PATH:-$HOME/.cache/warp}"
export GIT_PYTHON_REFRESH=quiet
export PYTHONUNBUFFERED=1

if [ -n "${WALK_PYTHON:-}" ]; then
    read -r -a python <<< "$WALK_PYTHON"
elif [ -x "$repo/.venv/bin/python" ]; then
    python=("$repo/.venv/bin/python")
else
    python=(python3)
fi
read -r -a front <<< "${WALK_TRAIN_ARGS:-}"

# no display is needed: the Newton physics is kit-less and train.py launches Isaac Sim (PhysX) headless
exec "${python[@]}" "$repo/scripts/train.py" "${front[@]}" "$@"

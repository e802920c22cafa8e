#!/usr/bin/env bash
# The Python tools the command line's format tests use as independent checkers: fhir.resources
# (FHIR R4B models) and pyx12 (X12 005010 validation), in a venv under target/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/pyenv
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import fhir.resources.R4B, pyx12" 2>/dev/null; then
    exit 0
fi
echo "[pyenv] creating $VENV with fhir.resources 7.1.0 and pyx12 4.0.0 (about a minute)"
if ! python3 -m venv "$VENV" 2>/dev/null; then
    source scripts/lib.sh 2>/dev/null && ensure_debian_packages python3-venv
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check "fhir.resources==7.1.0" "pyx12==4.0.0"
echo "[pyenv] ready"

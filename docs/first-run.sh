#!/usr/bin/env bash
# The first run of a new user, measured (docs/benchmarks.md, "The first
# run"): `docs/first-run.sh REPO REV [REV...]` takes, for each revision,
# one after the other, a fresh clone in /tmp and an empty CARGO_TARGET_DIR,
# then
#   1. `cargo xtask compare` until it exits (its table is its last output),
#   2. `cargo test --workspace` in the same clone, from an empty target again;
# prints per step: wall seconds, CPU seconds (user+sys), crates compiled
# ("Compiling" lines), the load average before and after, and for compare
# the seconds until xtask is built (its inner `cargo build` starts) and
# until the clients are built (that build finishes).
# The ~/.cargo registry is reused (already downloaded), not the target.
# STEPS=compare (or STEPS=test) runs one of the two only.
set -euo pipefail
repo=$1
shift
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done; }
for rev in "$@"; do
    dir=$(mktemp -d /tmp/first-run.XXXXXX)
    git clone -q "$repo" "$dir/src"
    git -C "$dir/src" checkout -q "$rev"
    for step in ${STEPS:-compare test}; do
        export CARGO_TARGET_DIR=$dir/target-$step
        case $step in
        compare) cmd=(cargo xtask compare) ;;
        test) cmd=(cargo test --workspace) ;;
        esac
        sync
        load_before=$(cut -d' ' -f1-3 /proc/loadavg)
        start=$(date +%s.%N)
        (cd "$dir/src" && /usr/bin/time -f 'TIME %e %U %S' "${cmd[@]}") 2>&1 |
            stamp >"$dir/$step.log" || true
        load_after=$(cut -d' ' -f1-3 /proc/loadavg)
        read -r _ _ wall user sys < <(grep ' TIME ' "$dir/$step.log")
        crates=$(grep -c ' Compiling ' "$dir/$step.log" || true)
        extra=""
        if [[ $step == compare ]]; then
            inner=$(awk '/compare: cargo build/ {print $1; exit}' "$dir/$step.log")
            built=$(awk -v after="$inner" '$1 > after && /Finished/ {print $1; exit}' "$dir/$step.log")
            extra=$(printf ' xtask-built=%.0fs clients-built=%.0fs' \
                "$(echo "$inner - $start" | bc)" "$(echo "$built - $start" | bc)")
        fi
        failed=$(grep -c -E 'FAILED|error(\[|:)' "$dir/$step.log" || true)
        printf '%s %-8s wall=%.0fs cpu=%.0fs crates=%s%s load=[%s]->[%s] error-lines=%s log=%s\n' \
            "$rev" "$step" "$wall" "$(echo "$user + $sys" | bc)" "$crates" "$extra" \
            "$load_before" "$load_after" "$failed" "$dir/$step.log"
    done
done

#!/usr/bin/env bash
# The main job of the README: validate -> check data -> evaluate -> coverage -> gate -> build,
# on the worked example. The gate's verdict is shown, not hidden: a blocked system does not
# stop the demo from building the site that explains why.
set -uo pipefail
cd "$(dirname "$0")/.."
workspace="${1:-governance}"
cardgate=".venv/bin/cardgate"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { echo "demo: $*" >&2; exit 2; }

# The worked example is a snapshot taken on this date: its reviews, sign-offs, waivers, data
# freshness and monthly monitoring windows age like a real system's, so judged on a later
# date the time-based rules (GATE-FR…, GATE-MON001, expiries) would block it. The demo judges
# it on its own date; set CARDGATE_TODAY to see how it ages (e.g. CARDGATE_TODAY=2027-03-01).
example_date=2026-11-30
export CARDGATE_TODAY="${CARDGATE_TODAY:-$example_date}"

step "cardgate validate"
"$cardgate" validate -w "$workspace" || fail "the worked example does not validate"

for sheet in "$workspace"/datasets/*/datasheet.yaml; do
  dataset=$(basename "$(dirname "$sheet")")
  step "cardgate check-data $dataset"
  "$cardgate" check-data "$dataset" -w "$workspace" || fail "data check of $dataset failed"
done

for card in "$workspace"/systems/*/model-card.yaml; do
  system=$(basename "$(dirname "$card")")
  # A GenAI system has no predictions: its retrieval and generation are evaluated below.
  grep -q '^evaluation:' "$card" || continue
  step "cardgate evaluate $system"
  "$cardgate" evaluate "$system" -w "$workspace" || fail "evaluation of $system failed"
done

for card in "$workspace"/systems/*/model-card.yaml; do
  system=$(basename "$(dirname "$card")")
  grep -Eq '^[[:space:]]+retrieval_evaluation:' "$card" || continue
  step "cardgate evaluate-retrieval $system"
  # Labelled queries and the candidate's ranked results, compared query by query with the
  # baseline configuration's (docs/genai.md) -> retrieval.json
  "$cardgate" evaluate-retrieval "$system" -w "$workspace" || fail "retrieval evaluation of $system failed"
done

for card in "$workspace"/systems/*/model-card.yaml; do
  system=$(basename "$(dirname "$card")")
  grep -Eq '^[[:space:]]+generation_evaluation:' "$card" || continue
  step "cardgate evaluate-generation $system"
  # Judged per-sample scores (here a ragas-format file) aggregated per slice -> generation.json
  "$cardgate" evaluate-generation "$system" -w "$workspace" || fail "generation evaluation of $system failed"
done

for card in "$workspace"/systems/*/model-card.yaml; do
  system=$(basename "$(dirname "$card")")
  grep -Eq '^[[:space:]]+safety_evaluation:' "$card" || continue
  step "cardgate evaluate-safety $system"
  # Judged red-team outcomes (here a promptfoo-format file) counted as rates, each mapped to
  # its NIST AI 600-1 risk -> safety.json
  "$cardgate" evaluate-safety "$system" -w "$workspace" || fail "safety evaluation of $system failed"
done

for card in "$workspace"/systems/*/model-card.yaml; do
  system=$(basename "$(dirname "$card")")
  grep -Eq '^[[:space:]]+operations_evaluation:' "$card" || continue
  step "cardgate evaluate-operations $system"
  # The run logs (latency, tokens per query) -> latency p50/p95/p99 and cost per query with
  # bootstrap intervals, paired with the baseline's log -> operations.json
  "$cardgate" evaluate-operations "$system" -w "$workspace" || fail "operations evaluation of $system failed"
done

for card in "$workspace"/systems/*/model-card.yaml; do
  system=$(basename "$(dirname "$card")")
  windows=("$workspace/systems/$system"/monitoring/windows/*.csv.gz)
  [ -e "${windows[0]}" ] || continue
  step "cardgate monitor $system"
  # A year of monthly production windows against the approved baseline (docs/monitoring.md);
  # windows already in monitoring.json are not computed again. Exit 1 means a window just
  # added breaches the plan: shown, and judged by the gate (GATE-MON002).
  args=()
  for window in "${windows[@]}"; do args+=(--window "$window"); done
  "$cardgate" monitor "$system" -w "$workspace" "${args[@]}"
  [ $? -le 1 ] || fail "monitoring of $system failed"
done

step "cardgate coverage"
"$cardgate" coverage -w "$workspace" || fail "coverage failed"

step "cardgate gate --release"
"$cardgate" gate --release -w "$workspace"
gate_status=$?
case $gate_status in
  0) verdict="every system may ship" ;;
  1) verdict="at least one system is blocked (see the findings above)" ;;
  *) fail "the gate could not run (exit $gate_status)" ;;
esac

step "cardgate export all"
# The exports are committed (governance/exports): judged on the date the worked example is
# pinned to, so that this step rebuilds them byte for byte (tests/interop/test_exports_current.py).
"$cardgate" export all -w "$workspace" --out "$workspace/exports" --today "$example_date" \
  || fail "the export failed"

step "cardgate build --recompute"
"$cardgate" build --recompute -w "$workspace" || fail "the site did not build"

echo
echo "gate: $verdict (exit $gate_status), judged as of $CARDGATE_TODAY"
echo "site: $(pwd)/site/build/index.html"
echo "      open it in a browser, or run: CARDGATE_TODAY=$CARDGATE_TODAY $cardgate serve -w $workspace"

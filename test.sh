#!/usr/bin/env bash
# Builds Stadtdialog and runs every test: unit, integration (WebApplicationFactory, real SQLite),
# browser (Playwright + Debian's Chromium) and the retrieval quality gate (stadtdialog eval).
# Installs what it needs on a fresh Debian machine (Chromium from Debian's packages).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration=Release

# --- Provision: Chromium for the browser tests -----------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  echo "==> Installing Chromium (Debian package) for the browser tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

# --- Build (warnings are errors) -------------------------------------------------------------------------
echo "==> Building"
dotnet build Stadtdialog.slnx -c "$configuration" -nologo -clp:ErrorsOnly

# --- Tests --------------------------------------------------------------------------------------------------
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "==> $name"
  if ! dotnet test --project "$project" -c "$configuration" --no-build \
      --report-xunit-trx --report-xunit-trx-filename "$name.trx" --results-directory "$results" 2>&1 | tee "$results/$name.log"; then
    status=1
  fi
done

# --- Retrieval quality gate on the shared development set (no LLM) ----------------------------------------
shared="${STADTDIALOG_SHARED:-../shared/data}"
eval_passed=0; eval_failed=0
if [ -d "$shared/musterstadt-site" ]; then
  echo "==> Evaluation on $shared (development question set)"
  scratch="$(mktemp -d)"
  cli="src/Stadtdialog.Cli/bin/$configuration/net10.0/stadtdialog.dll"
  dotnet "$cli" ingest musterstadt "$shared/musterstadt-site" --data "$scratch" | tail -n 1
  line="$(dotnet "$cli" eval musterstadt "$shared/eval/dev-questions.jsonl" --data "$scratch" | tail -n 1)"
  rm -rf "$scratch"
  echo "$line"
  # Targets: hit@5 >= 0.97, MRR >= 0.88, abstain >= 0.8, false_abstain <= 0.05
  if echo "$line" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
      END { exit !(v["hit@5"] >= 0.97 && v["mrr"] >= 0.88 && v["abstain"] >= 0.8 && v["false_abstain"] <= 0.05) }'; then
    echo "evaluation targets met"; eval_passed=1
  else
    echo "evaluation targets NOT met (hit@5>=0.97 mrr>=0.88 abstain>=0.8 false_abstain<=0.05)"; eval_failed=1; status=1
  fi
else
  echo "==> Evaluation skipped: $shared not found (set STADTDIALOG_SHARED)"; eval_failed=1; status=1
fi

# --- Summary -------------------------------------------------------------------------------------------------
count() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(count passed); failed=$(count failed)
passed=$(( ${passed:-0} + eval_passed )); failed=$(( ${failed:-0} + eval_failed ))
[ "$failed" -gt 0 ] && status=1
echo
echo "$passed passed, $failed failed"
exit $status

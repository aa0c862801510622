#!/usr/bin/env bash
# Dashboard benchmark: each Grafana panel's query (deploy/grafana/dashboards/tributary.json) for a
# 30-day range and for the full history, on a warehouse of 10M journal rows and 1M sessions
# generated inside an embedded PostgreSQL, beside the old all-time views (issue #18: < 1 s each).
#
#   deploy/bench/dashboards.sh [--ledger-rows 10000000] [--sessions 1000000] [--runs 5]
#                              [--warmups 1] [--baseline-runs 1] [--timeout-seconds 600]
#                              [--set work_mem=64MB ...]
#
# Environment: BENCH_NO_BUILD=1 reuses the last build; JAVA_OPTS adds JVM options.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cp="$(test_classpath job)"
cd "$root/job" # the dashboard is read from ../deploy/grafana, as the tests read it
# shellcheck disable=SC2086 # JAVA_OPTS is a list on purpose
exec java -Xmx1g ${JAVA_OPTS:-} -cp "$cp" dev.tributary.job.bench.DashboardBench "$@"

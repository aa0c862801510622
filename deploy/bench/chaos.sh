#!/usr/bin/env bash
# The chaos run (issue #12, item 8): per seed, a month of one site's traffic (every provider,
# identify calls before and after paying, late webhooks, refunds, duplicates, shuffles; the
# timestamp fallback on) is played through the real job twice, each into its own PostgreSQL:
# in event-time order on a MiniCluster without faults, and as delivered on a standalone Flink
# cluster of separate processes whose TaskManager is killed with SIGKILL at seeded random moments
# (a fresh one started each time; the job restores from its last checkpoint). Prints per seed the
# records, kills, run times and PASS/FAIL with the first differences, then a summary table.
#
#   deploy/bench/chaos.sh [--seeds 1,2,3 | --count 20] [--visitors 2500] [--kills 6]
#                         [--checkpoint-ms 500] [--read-seconds 60] [--work dir] [--control]
#
# Defaults: seeds 1..20. --control also plays the hostile delivery without faults (what the
# delivery order alone changes). The cluster's logs stay under --work (default
# deploy/bench/target/chaos-<time>/seed-N/cluster). Exit code 1 when a seed failed.
#
# Environment: BENCH_NO_BUILD=1 reuses the last build; JAVA_OPTS adds JVM options.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cp="$(test_classpath job)"
cd "$root/job"
# shellcheck disable=SC2086 # JAVA_OPTS is a list on purpose
exec java "${flink_opens[@]}" -Xms1g -Xmx3g -Dlog4j.configurationFile="$bench_dir/log4j2-bench.xml" \
  ${JAVA_OPTS:-} -cp "$cp" dev.tributary.job.chaos.ChaosRun "$@"

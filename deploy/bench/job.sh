#!/usr/bin/env bash
# Job benchmark: sustained events/s of the whole Flink job (Kafka sources, RocksDB, checkpoints,
# production JDBC sinks into an embedded PostgreSQL) against a Kafka -> map -> Kafka passthrough job,
# state bytes per retained touch, and throughput with more visitors in state.
#
#   deploy/bench/job.sh [--events 1500000] [--visitors 100000,1000000] [--payment-share 0.05]
#                       [--parallelism 2] [--checkpoint-seconds 5] [--managed-mb 512]
#
# Environment: BENCH_NO_BUILD=1 reuses the last build; JAVA_OPTS adds JVM options (e.g. JFR).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cp="$(test_classpath job)"
cd "$root/job"
# shellcheck disable=SC2086 # JAVA_OPTS is a list on purpose
exec java "${flink_opens[@]}" -Xms3g -Xmx3g ${JAVA_OPTS:-} -cp "$cp" \
  dev.tributary.job.bench.JobBench "$@"

#!/usr/bin/env bash
# Entry point of the compose JobManager: runs the Tributary job in application mode
# (standalone-job) through the Flink image's own /docker-entrypoint.sh.
#
#   TRIBUTARY_JOB_ID        the job id (32 hex digits); a new one for every upgrade
#   TRIBUTARY_RESTORE_FROM  optional savepoint or retained checkpoint to start from
#   "$@"                    the job's own --tributary.* arguments (the compose `command`)
#
# The warehouse password stays in TRIBUTARY_JDBC_PASSWORD, which the JobManager inherits and
# AttributionJob reads: program arguments show on the Flink UI and in the JobManager's log, so it
# must never become one (and nothing here may print it).
#
# With ZooKeeper HA a restarted JobManager recovers the job from its latest checkpoint; the
# savepoint given here is used only when the job id has no checkpoint yet.
set -euo pipefail

if [[ ! "${TRIBUTARY_JOB_ID:-}" =~ ^[0-9a-fA-F]{32}$ ]]; then
  echo "TRIBUTARY_JOB_ID must be 32 hex digits, was '${TRIBUTARY_JOB_ID:-}'" >&2
  exit 2
fi

args=(standalone-job --job-classname dev.tributary.job.AttributionJob --job-id "$TRIBUTARY_JOB_ID")
if [[ -n "${TRIBUTARY_RESTORE_FROM:-}" ]]; then
  echo "Starting job $TRIBUTARY_JOB_ID from $TRIBUTARY_RESTORE_FROM"
  args+=(--fromSavepoint "$TRIBUTARY_RESTORE_FROM")
fi
# Program arguments come last: the first one Flink does not know ends its own options.
args+=("$@")

exec /docker-entrypoint.sh "${args[@]}"

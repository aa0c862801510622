#!/usr/bin/env bash
# Savepoint redeploy of the Tributary job on a standalone/session Flink cluster, through its REST
# API: upload the new jar, stop the running job with a savepoint, start the new jar from it, check
# it runs, and roll back to the previous jar from the same savepoint if it does not.
#
#   deploy/redeploy.sh --rest http://jobmanager:8081 --jar new/tributary-job-all.jar \
#       --previous-jar old/tributary-job-all.jar [--parallelism 4] [--savepoint-dir s3://…] \
#       [--timeout-seconds 120] [--grace-seconds 10] -- --tributary.kafka.bootstrap-servers … 
#
# Exit codes: 0 redeployed, 2 rolled back, 1 failed. Needs only a JDK: the tool is in the job jar.
set -euo pipefail
jar=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--jar" ]; then jar="${args[$((i + 1))]}"; fi
  if [ "${args[$i]}" = "--" ]; then break; fi
done
if [ -z "$jar" ]; then
  echo "usage: $0 --rest <url> --jar <new jar> --previous-jar <old jar> [options] [-- job args]" >&2
  exit 1
fi
exec java -cp "$jar" dev.tributary.job.ops.Redeploy "$@"

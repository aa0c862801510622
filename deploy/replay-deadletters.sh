#!/usr/bin/env bash
# Dead letters: list, inspect and replay what the job wrote to its dead-letter topic. The runbook
# is in the README ("Operations" → "Dead letters: inspect, fix, replay").
#
#   deploy/replay-deadletters.sh list    --bootstrap-servers kafka:9092 [--since 6h] [--stage …]
#   deploy/replay-deadletters.sh inspect --bootstrap-servers kafka:9092 --key acme   # PERSONAL DATA
#   deploy/replay-deadletters.sh replay  --bootstrap-servers kafka:9092 --stage normalize-webhooks \
#       --since 2026-11-23T00:00:00Z [--execute]                                     # dry run first
#   deploy/replay-deadletters.sh --help
#
# Runs dev.tributary.job.ops.ReplayDeadLetters from the job's -all jar, arguments passed through.
# Exit codes: 0 done, 1 failed, 2 bad arguments. Needs only a JRE 17+ and the jar.
#
# Script-only option (must come first):
#   --jar <path>   the job jar (default: $TRIBUTARY_JOB_JAR, else the newest
#                  job/target/tributary-job-*-all.jar of this checkout, else
#                  /opt/flink/usrlib/tributary-job.jar as in the job's image)
# Environment:
#   JAVA_OPTS      extra JVM options
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

jar="${TRIBUTARY_JOB_JAR:-}"
if [[ "${1:-}" == "--jar" ]]; then
  jar="${2:?--jar needs a path}"
  shift 2
fi
if [[ -z "$jar" ]]; then
  # the newest build of this checkout, else the job image's jar
  jar="$(ls -t "$root"/job/target/tributary-job-*-all.jar 2>/dev/null | head -n 1 || true)"
  if [[ -z "$jar" && -f /opt/flink/usrlib/tributary-job.jar ]]; then
    jar=/opt/flink/usrlib/tributary-job.jar
  fi
fi
if [[ -z "$jar" || ! -f "$jar" ]]; then
  # usage from this header, so that --help works before anything is built
  sed -n '2,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2
  echo >&2
  echo "replay-deadletters.sh: no job jar${jar:+ at $jar}; build one with" \
    "'mvn -B -pl job -am package -DskipTests' or pass --jar <path>" >&2
  case " $* " in
    *" --help "* | *" -h "* | *" help "*) exit 0 ;;
    *) exit 1 ;;
  esac
fi
if ! command -v java >/dev/null 2>&1; then
  echo "replay-deadletters.sh: java not found; install a JRE 17 or newer" >&2
  exit 1
fi

# The jar carries slf4j-api without a provider: keep its "no providers" notice off stderr.
# shellcheck disable=SC2086 # JAVA_OPTS is a list on purpose
exec java -Dslf4j.internal.verbosity=ERROR ${JAVA_OPTS:-} -cp "$jar" \
  dev.tributary.job.ops.ReplayDeadLetters "$@"

#!/usr/bin/env bash
# Erasure of one person by email on one site: the warehouse's payments rows lose the email's hash
# for good (erased_emails), and the job drops the email's link to its visitor. The runbook is in
# the README ("Personal data").
#
#   echo 'ada@example.com' | TRIBUTARY_EMAIL_HASH_KEY=… TRIBUTARY_JDBC_PASSWORD=… \
#     deploy/forget-email.sh --site acme --bootstrap-servers kafka:9092 \
#       --jdbc-url jdbc:postgresql://postgres:5432/tributary [--jdbc-user postgres]
#
# The email is read from standard input, never from the command line (shell history, process
# lists). Runs dev.tributary.job.ops.ForgetEmail from the job's -all jar. Exit codes: 0 done,
# 1 failed, 2 bad arguments.
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
  echo "forget-email.sh: no job jar${jar:+ at $jar}; build one with" \
    "'mvn -B -pl job -am package -DskipTests' or pass --jar <path>" >&2
  case " $* " in
    *" --help "* | *" -h "* | *" help "*) exit 0 ;;
    *) exit 1 ;;
  esac
fi
if ! command -v java >/dev/null 2>&1; then
  echo "forget-email.sh: java not found; install a JRE 17 or newer" >&2
  exit 1
fi

# The jar carries slf4j-api without a provider: keep its "no providers" notice off stderr.
# shellcheck disable=SC2086 # JAVA_OPTS is a list on purpose
exec java -Dslf4j.internal.verbosity=ERROR ${JAVA_OPTS:-} -cp "$jar" \
  dev.tributary.job.ops.ForgetEmail "$@"

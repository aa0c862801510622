#!/usr/bin/env bash
# Tributary, all in one JVM: Kafka broker, PostgreSQL, the Flink job (MiniCluster) and the gateway.
#
#   deploy/local/run.sh [--demo] [--data-dir ./data] [--port 8080] [--summary-every 30] ...
#   deploy/local/run.sh --help
#
# Needs JDK 17+ and Maven. Builds the modules it needs (quietly, incremental), then runs
# dev.tributary.local.LocalRunner with the arguments given. Data stays in --data-dir (default
# ./data, relative to the directory you run this from) across restarts.
#
# Script-only options (must come first):
#   --no-build   skip the Maven build and reuse the last one
# Environment:
#   JAVA_OPTS    extra JVM options, e.g. JAVA_OPTS=-Xmx2g
#   MVN          the Maven command (default: mvn)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mvn_cmd="${MVN:-mvn}"
classpath_file="$here/target/runtime-classpath.txt"

build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi

if ! command -v java >/dev/null 2>&1; then
  echo "run.sh: java not found; install JDK 17 or newer" >&2
  exit 1
fi

if [[ $build -eq 1 || ! -f "$classpath_file" || ! -d "$here/target/classes" ]]; then
  if ! command -v "$mvn_cmd" >/dev/null 2>&1; then
    echo "run.sh: Maven ($mvn_cmd) not found" >&2
    exit 1
  fi
  echo "Building Tributary (job, gateway, deploy/local; tests skipped)..." >&2
  # One reactor build: package the three modules and write deploy/local's runtime classpath (the
  # job and gateway jars from their target/ directories, everything else from ~/.m2).
  if ! build_log="$(cd "$root" && "$mvn_cmd" -q -B -Dmaven.test.skip=true -Dspotless.check.skip=true \
      -pl deploy/local -am package dependency:build-classpath \
      -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime 2>&1)"; then
    echo "$build_log" >&2
    echo "run.sh: the build failed" >&2
    exit 1
  fi
fi

# Flink on Java 17 needs the module opens of Flink's own distribution; the same list as the root
# pom's flink.jvm.opens property (keep the two in sync).
flink_opens=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options on purpose
exec java "${flink_opens[@]}" ${JAVA_OPTS:-} \
  -cp "$here/target/classes:$(cat "$classpath_file")" \
  dev.tributary.local.LocalRunner "$@"

# Shared by the deploy/bench scripts: the repository root, Maven, and the JVM flags Flink needs.
# shellcheck shell=bash
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench_dir/../.." && pwd)"
mvn_cmd="${MVN:-mvn}"
out_dir="$bench_dir/target"
mkdir -p "$out_dir"

# Flink on Java 17 needs the module opens of Flink's own distribution; the same list as the root
# pom's flink.jvm.opens property and deploy/local/run.sh.
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

# test_classpath <module>: compiles the module's main and test code (tests not run) and prints the
# classpath to run a benchmark driver from its test tree. The compiled classes are copied under
# deploy/bench/target/ so that a concurrent build of the module cannot pull them away mid-run.
test_classpath() {
  local module="$1"
  local cp_file="$out_dir/${module//\//_}-test-classpath.txt"
  if [[ "${BENCH_NO_BUILD:-0}" != 1 || ! -f "$cp_file" ]]; then
    echo "building $module (main + test classes, tests not run)..." >&2
    (cd "$root" && "$mvn_cmd" -q -B -Dstyle.color=never -Dspotless.check.skip=true -pl "$module" \
      test-compile dependency:build-classpath \
      -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test) >&2
  fi
  local snapshot="$out_dir/${module//\//_}-classes"
  if [[ "${BENCH_NO_BUILD:-0}" != 1 || ! -d "$snapshot" ]]; then
    rm -rf "$snapshot"
    mkdir -p "$snapshot"
    cp -r "$root/$module/target/classes" "$snapshot/main"
    cp -r "$root/$module/target/test-classes" "$snapshot/test"
  fi
  echo "$snapshot/test:$snapshot/main:$(cat "$cp_file")"
}

#!/usr/bin/env bash
# End-to-end latency: signed Stripe webhook POST -> row visible in revenue_ledger, through the local
# runner's whole stack (KRaft broker, PostgreSQL, Flink MiniCluster, gateway) in one JVM, for the
# local runner's job settings and faster event-time settings.
#
#   deploy/bench/e2e.sh [--rate 200] [--warmup 10] [--duration 30] [--variants "name:k=v,k=v;..."]
#
# Environment: BENCH_NO_BUILD=1 reuses the last build; JAVA_OPTS adds JVM options.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cp_file="$out_dir/deploy_local-runtime-classpath.txt"
snapshot="$out_dir/deploy_local-classes"
if [[ "${BENCH_NO_BUILD:-0}" != 1 || ! -f "$cp_file" || ! -d "$snapshot" ]]; then
  echo "building job, gateway and deploy/local (tests skipped)..." >&2
  (cd "$root" && "$mvn_cmd" -q -B -Dstyle.color=never -Dmaven.test.skip=true -Dspotless.check.skip=true \
    -pl deploy/local -am package dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime) >&2
  rm -rf "$snapshot"
  cp -r "$root/deploy/local/target/classes" "$snapshot"
  # the job and gateway jars the classpath names, copied so a concurrent build cannot remove them
  mkdir -p "$out_dir/jars"
  cp "$root/job/target/tributary-job-0.1.0-SNAPSHOT.jar" \
    "$root/webhook-gateway/target/tributary-webhook-gateway-0.1.0-SNAPSHOT.jar" "$out_dir/jars/"
  sed -i -e "s#$root/job/target/tributary-job-0.1.0-SNAPSHOT.jar#$out_dir/jars/tributary-job-0.1.0-SNAPSHOT.jar#" \
    -e "s#$root/webhook-gateway/target/tributary-webhook-gateway-0.1.0-SNAPSHOT.jar#$out_dir/jars/tributary-webhook-gateway-0.1.0-SNAPSHOT.jar#" \
    "$cp_file"
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list on purpose
exec java "${flink_opens[@]}" -Xms2g -Xmx2g -Dlog4j2.configurationFile="$bench_dir/log4j2-bench.xml" ${JAVA_OPTS:-} \
  -cp "$snapshot:$(cat "$cp_file")" "$bench_dir/EndToEndBench.java" "$@"

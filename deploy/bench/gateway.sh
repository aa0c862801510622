#!/usr/bin/env bash
# Gateway benchmark: verified Stripe webhooks/s and latency (p50/p99, open loop, corrected for
# coordinated omission) against a bare Javalin endpoint, with an in-process KRaft broker, in one JVM.
#
#   deploy/bench/gateway.sh [--loads 1000,2000,4000,6000,8000,10000] [--warmup 2] [--duration 8]
#                           [--connections 64]
#
# Environment: BENCH_NO_BUILD=1 reuses the last build; JAVA_OPTS adds JVM options (e.g. JFR).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cp="$(test_classpath webhook-gateway)"
# The driver reads the fixtures at ../job/src/test/resources/fixtures relative to the module directory.
cd "$root/webhook-gateway"
# shellcheck disable=SC2086 # JAVA_OPTS is a list on purpose
exec java -Xms1g -Xmx1g -Dlog4j2.level=WARN ${JAVA_OPTS:-} -cp "$cp" \
  dev.tributary.gateway.bench.GatewayBench "$@"

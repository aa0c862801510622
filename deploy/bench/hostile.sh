#!/usr/bin/env bash
# The long hostile-input run: HostileInputIT with more seeds and more records than the test
# command's one seed of 5,000. Each seed is a separate job run beside one clean run of the same
# good month; the report prints, per seed, the records, the job's failures (must be 0), the dead
# letters by stage and every kind of hostile record with how many were booked / dead-lettered.
#
#   deploy/bench/hostile.sh [--seeds 1,2,3,4,5] [--records 20000]
#
# Exit code: Maven's (non-zero if any assertion failed).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seeds="1,2,3,4,5"
records=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --records) records="$2"; shift 2 ;;
    *) echo "usage: $0 [--seeds 1,2,3] [--records 20000]" >&2; exit 2 ;;
  esac
done

cd "$root"
log="$out_dir/hostile-$(date +%Y%m%d-%H%M%S).log"
echo "hostile run: seeds $seeds, $records records each; full log in $log" >&2
set +e
"$mvn_cmd" -B -ntp -pl job verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=HostileInputIT -Dhostile.seeds="$seeds" -Dhostile.records="$records" >"$log" 2>&1
rc=$?
set -e
grep -E '^\[hostile\]|^  [a-z]|Tests run:|FAIL' "$log" || true
exit $rc

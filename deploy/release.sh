#!/usr/bin/env bash
# Builds release VERSION of Tributary into target/release/VERSION/, from the committed HEAD:
#
#   deploy/release.sh 0.1.0                 # artifacts only (CI has run the tests on the commit)
#   deploy/release.sh 0.1.0 --with-tests    # also runs `mvn verify` (all tests) on the copy
#   deploy/release.sh 0.1.0 --allow-dirty   # build the working tree, uncommitted changes included
#
# What it does, all locally — it never pushes, tags, publishes or builds a Docker image:
#  1. reads the release notes of VERSION from CHANGELOG.md (a `## [VERSION]` section with its
#     `State:` and `Schema:` lines; the release fails without them);
#  2. copies the commit into a temporary folder, sets the version there (`versions:set` on the
#     POMs, and the same string in the Dockerfiles, deployment files and docs) and stamps the
#     commit's time as project.build.outputTimestamp, so that one commit always gives
#     byte-identical jars; the repository itself is left as it is;
#  3. builds job and gateway with the `release` profile: the job's deployable -all jar, the
#     gateway's runnable jar with its lib/, a CycloneDX SBOM of each, and the third-party license
#     check against the parent POM's allowlist (fails on any other license);
#  4. lays out target/release/VERSION/: the jars, the gateway tarball, SBOMs, THIRD-PARTY lists,
#     images/ (each image's Dockerfile and build context, `ARG VERSION` set, and
#     build-images.sh to tag them VERSION), RELEASE-NOTES.md, LICENSE, NOTICE and SHA256SUMS.
set -euo pipefail

usage() {
  echo "usage: $0 VERSION [--with-tests] [--allow-dirty]   (VERSION like 0.1.0 or 0.2.0-rc.1)" >&2
  exit 1
}
[ $# -ge 1 ] || usage
version="$1"
shift
with_tests=0
allow_dirty=0
for arg in "$@"; do
  case "$arg" in
    --with-tests) with_tests=1 ;;
    --allow-dirty) allow_dirty=1 ;;
    *) usage ;;
  esac
done
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || [[ "$version" == *SNAPSHOT* ]]; then
  echo "release: '$version' is not a release version (MAJOR.MINOR.PATCH[-pre])" >&2
  exit 1
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
step() { printf '\n== %s\n' "$*"; }

# ------------------------------------------------------------------ the commit and its notes
commit="$(git rev-parse HEAD)"
dirty=""
if [ -n "$(git status --porcelain --untracked-files=normal)" ]; then
  if [ "$allow_dirty" = 0 ]; then
    echo "release: the working tree has uncommitted changes; commit them (or --allow-dirty)" >&2
    exit 1
  fi
  dirty="-dirty"
fi
commit_time="$(date -u -d "$(git log -1 --format=%cI HEAD)" +%Y-%m-%dT%H:%M:%SZ)"
# the project's version: the first <version> of the parent POM (as DockerImagesTest reads it)
current="$(sed -n 's:.*<version>\([^<]*\)</version>.*:\1:p' pom.xml | head -n 1)"

notes="$(awk -v v="$version" '
  $0 ~ "^## \\[" v "\\]" { on = 1; print; next }
  on && /^## \[/ { exit }
  on { print }' CHANGELOG.md)"
if [ -z "$notes" ]; then
  echo "release: CHANGELOG.md has no '## [$version]' section; write the release notes first" >&2
  exit 1
fi
for line in State Schema; do
  if ! grep -q "^\*\*$line:\*\*" <<<"$notes"; then
    echo "release: the [$version] section of CHANGELOG.md needs a '**$line:** …' line" >&2
    exit 1
  fi
done

out="$root/target/release/$version"
work="$(mktemp -d "${TMPDIR:-/tmp}/tributary-release.XXXXXX")"
trap 'rm -rf "$work"' EXIT
step "release $version of $commit$dirty (committed $commit_time; POM version $current)"

# ------------------------------------------------------------------ a copy with the version set
mkdir -p "$work/src"
if [ -n "$dirty" ]; then
  git ls-files -z --cached --others --exclude-standard \
    | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -x -C "$work/src"
else
  git archive --format=tar HEAD | tar -x -C "$work/src"
fi
cd "$work/src"

step "versions:set $current -> $version (in $work/src)"
if ! mvn -B -ntp org.codehaus.mojo:versions-maven-plugin:set -DnewVersion="$version" \
  -DgenerateBackupPoms=false -DprocessAllModules=true -DupdateBuildOutputTimestampPolicy=never \
  >"$work/versions-set.log" 2>&1; then
  cat "$work/versions-set.log" >&2
  exit 1
fi
sed -i "s#<project.build.outputTimestamp>[^<]*</project.build.outputTimestamp>#<project.build.outputTimestamp>$commit_time</project.build.outputTimestamp>#" pom.xml
# Dockerfiles (ARG VERSION), compose and Kubernetes image tags, docs and scripts naming the jars
{ grep -rlF --exclude=pom.xml --exclude=CHANGELOG.md "$current" . || true; } | while read -r f; do
  sed -i "s#${current//./\\.}#$version#g" "$f"
done
if grep -rlF "$current" --include=pom.xml . >/dev/null; then
  echo "release: a POM still names $current after versions:set" >&2
  exit 1
fi

# ------------------------------------------------------------------ build
mkdir -p "$root/target/release"
log="$root/target/release/build-$version.log"
if [ "$with_tests" = 1 ]; then
  step "mvn -Prelease verify (all tests; log: target/release/build-$version.log)"
  build=(mvn -B -ntp -Prelease verify)
else
  step "mvn -Prelease -DskipTests package (job, webhook-gateway; log: target/release/build-$version.log)"
  build=(mvn -B -ntp -Prelease -DskipTests -pl job,webhook-gateway -am package)
fi
if ! "${build[@]}" >"$log" 2>&1; then
  grep -E '^\[(ERROR|WARNING)\]' "$log" | head -n 40 >&2
  echo "release: the build failed; see $log" >&2
  exit 1
fi
grep -E '^\[INFO\] (--- (maven-shade|cyclonedx|license|maven-dependency)|Writing|Tributary .*(SUCCESS|FAIL)|Total time)' "$log" \
  | sed -E 's/^\[INFO\] //; s/ @ / in /' || true

# ------------------------------------------------------------------ lay out the release
step "collect into target/release/$version"
rm -rf "$out"
mkdir -p "$out/images/job/target" "$out/images/gateway/target"
job="tributary-job-$version"
gw="tributary-webhook-gateway-$version"
cp job/target/"$job"-all.jar job/target/"$job".cdx.json "$out/"
cp job/target/license/THIRD-PARTY.txt "$out/THIRD-PARTY-$job.txt"
cp webhook-gateway/target/"$gw".cdx.json "$out/"
cp webhook-gateway/target/license/THIRD-PARTY.txt "$out/THIRD-PARTY-$gw.txt"
cp LICENSE NOTICE "$out/"

# the gateway: runnable jar + lib/ (java -jar), as one reproducible tarball
mkdir -p "$work/gw/$gw/lib"
cp webhook-gateway/target/"$gw".jar "$work/gw/$gw/"
cp webhook-gateway/target/lib/*.jar "$work/gw/$gw/lib/"
cp LICENSE NOTICE "$work/gw/$gw/"
cp webhook-gateway/target/license/THIRD-PARTY.txt "$work/gw/$gw/"
tar -C "$work/gw" --sort=name --mtime="$commit_time" --owner=0 --group=0 --numeric-owner \
  -cf - "$gw" | gzip -n -9 >"$out/$gw.tar.gz"

# image build contexts: the Dockerfiles with ARG VERSION=$version and the files they COPY
cp job/Dockerfile "$out/images/job/"
ln "$out/$job-all.jar" "$out/images/job/target/" 2>/dev/null || cp "$out/$job-all.jar" "$out/images/job/target/"
cp webhook-gateway/Dockerfile "$out/images/gateway/"
cp webhook-gateway/target/"$gw".jar "$out/images/gateway/target/"
cp -r webhook-gateway/target/lib "$out/images/gateway/target/lib"
cat >"$out/images/build-images.sh" <<EOF
#!/usr/bin/env sh
# Builds the two images of Tributary $version from these folders (no push):
#   REGISTRY=registry.example.com/team/ ./build-images.sh
set -eu
cd "\$(dirname "\$0")"
docker build --build-arg VERSION=$version -t "\${REGISTRY:-}tributary-job:$version" job
docker build --build-arg VERSION=$version -t "\${REGISTRY:-}tributary-gateway:$version" gateway
EOF
chmod +x "$out/images/build-images.sh"

# release notes: what to deploy, what it needs, then the CHANGELOG section
flink="$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' pom.xml | head -n 1)"
kafka="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml | head -n 1)"
schema="$(cd sql && ls V*__*.sql | sort -V | tail -n 1)"
uids="$(sed -n 's/^| `\([a-z-]*\)` | .*/\1/p' job/STATE.md | tr '\n' ' ')"
cat >"$out/RELEASE-NOTES.md" <<EOF
# Tributary $version

Built from commit \`$commit$dirty\` (committed $commit_time) by \`deploy/release.sh $version\`.

## What to deploy

| what | file | run it |
|---|---|---|
| the Flink job | \`$job-all.jar\` | submit to a Flink $flink cluster (Java 17), or image \`tributary-job:$version\` |
| the webhook gateway | \`$gw.tar.gz\` | \`tar xzf $gw.tar.gz && java -jar $gw/$gw.jar\`, or image \`tributary-gateway:$version\` |
| warehouse migrations | inside the job jar | \`java -cp $job-all.jar dev.tributary.job.ops.WarehouseMigrations …\` (sql/README.md) |
| images | \`images/\` | \`images/build-images.sh\` builds both, tagged \`$version\` (no push) |

Needs: Java 17; Flink $flink; Kafka (clients $kafka; tested against a $kafka KRaft broker); PostgreSQL 17.

* Warehouse schema after migrating: Flyway \`$schema\` (repeatable views \`R__*\` re-applied when changed).
* Stateful operator uids: $uids(job/STATE.md).
* SBOMs (CycloneDX 1.6): \`$job.cdx.json\`, \`$gw.cdx.json\`; third-party licenses:
  \`THIRD-PARTY-$job.txt\`, \`THIRD-PARTY-$gw.txt\` (checked against the allowlist in the POM).
* Checksums: \`SHA256SUMS\` (\`sha256sum -c SHA256SUMS\`).

$notes
EOF

(cd "$out" && find . -type f ! -name SHA256SUMS ! -path './images/gateway/target/lib/*' \
  | sed 's#^\./##' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)

step "target/release/$version"
cd "$out"
find . -type f ! -path './images/gateway/target/lib/*' | sed 's#^\./##' | LC_ALL=C sort \
  | while read -r f; do
      printf '%10s  %s  %s\n' "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -c1-16)" "$f"
    done
echo "          (+ images/gateway/target/lib/: $(ls images/gateway/target/lib | wc -l) jars, as in the tarball's lib/)"
echo
echo "Nothing was tagged, pushed or published. To tag this release locally: git tag -a v$version $commit"

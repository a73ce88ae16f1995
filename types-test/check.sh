#!/usr/bin/env bash
# Type-checks js/initialize.d.ts (issue 14, item 4); scripts/test.sh runs it after the lint.
#   1. host.ts (the README's embedding example in TypeScript, every callback, the narrowing, the
#      DOM events) must pass `tsc -p .` (tsconfig.json: strict, noEmit, exactOptionalPropertyTypes),
#      and again without exactOptionalPropertyTypes (plain --strict, as most projects are).
#   2. each wrong/*.ts must fail, with exactly the diagnostic its marked line names: the line
#      ending in `// error TSnnnn`. Compiled alone, with tsconfig.json's options (a generated
#      config that extends it); any other error, or the right code on another line, is a failure,
#      so a file that breaks for an unrelated reason (a typo in the test, a missing lib) does not
#      count as the types catching the mistake.
# Exit 0 only if all of that holds; otherwise prints what happened and exits 1.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

# npm ci when node_modules is missing or older than the lock file (npm writes
# node_modules/.package-lock.json on every install).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
  ! cmp -s <(node -e 'console.log(require("./package-lock.json").packages["node_modules/typescript"].version)') \
            <(node -e 'console.log(require("./node_modules/typescript/package.json").version)' 2>/dev/null); then
  echo "types-test: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
TSC="$HERE/node_modules/.bin/tsc"
echo "types-test: $("$TSC" --version)"

fail=0
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# 1. The host page must pass.
for extra in "" "--exactOptionalPropertyTypes false"; do
  # shellcheck disable=SC2086 # $extra is deliberately split
  if out="$("$TSC" -p . $extra 2>&1)"; then
    echo "ok    host.ts type-checks (tsc -p .${extra:+ $extra})"
  else
    echo "FAIL  host.ts does not type-check (tsc -p .${extra:+ $extra}):"
    printf '%s\n' "$out" | sed 's/^/      /'
    fail=1
  fi
done

# 2. Every wrong file must fail, for the reason its marked line names.
shopt -s nullglob
wrong=(wrong/*.ts)
if [ ${#wrong[@]} -eq 0 ]; then
  echo "FAIL  no wrong/*.ts files"
  fail=1
fi
for f in "${wrong[@]}"; do
  marks="$(grep -nE '// error TS[0-9]+[[:space:]]*$' "$f" || true)"
  if [ "$(printf '%s' "$marks" | grep -c .)" != 1 ]; then
    echo "FAIL  $f: needs exactly one line ending in '// error TSnnnn' (found: ${marks:-none})"
    fail=1
    continue
  fi
  line="${marks%%:*}"
  code="$(printf '%s' "$marks" | grep -oE 'TS[0-9]+[[:space:]]*$' | tr -d '[:space:]')"
  cfg="$TMP/$(basename "$f" .ts).tsconfig.json"
  printf '{ "extends": "%s", "files": ["%s"] }\n' "$HERE/tsconfig.json" "$HERE/$f" > "$cfg"
  set +e
  out="$("$TSC" -p "$cfg" --pretty false 2>&1)"
  rc=$?
  set -e
  errors="$(printf '%s\n' "$out" | grep -E ': error TS[0-9]+:|^error TS[0-9]+:' || true)"
  expected="$(printf '%s\n' "$errors" | grep -E "^$f\($line,[0-9]+\): error $code:" || true)"
  others="$(printf '%s\n' "$errors" | grep -vE "^$f\($line,[0-9]+\): error $code:" | grep . || true)"
  if [ "$rc" -ne 0 ] && [ -n "$expected" ] && [ -z "$others" ]; then
    echo "ok    $f fails as it should: $(printf '%s\n' "$expected" | head -n1)"
  else
    if [ "$rc" -eq 0 ]; then
      echo "FAIL  $f type-checks, but must fail with $code on line $line"
    elif [ -z "$expected" ]; then
      echo "FAIL  $f fails, but not with $code on line $line:"
    else
      echo "FAIL  $f fails with $code on line $line, but also for other reasons:"
    fi
    printf '%s\n' "$out" | grep . | sed 's/^/      /' || true
    fail=1
  fi
done

if [ "$fail" -ne 0 ]; then
  echo "types-test: FAILED"
  exit 1
fi
echo "types-test: all checks passed (host.ts + ${#wrong[@]} wrong files)"

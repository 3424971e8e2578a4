#!/usr/bin/env bash
# Smoke test of the published package: packs the repository with `npm pack`
# (whose `prepack` builds dist/esm and dist/cjs), installs the tarball into a
# scratch app beside express@5, and uses it the way users will: from ESM and
# CommonJS at run time, and from TypeScript under `nodenext`, `bundler` and
# `node10` resolution. publint and arethetypeswrong check the tarball first.
#
#   bash test/pack/smoke.sh
#
# Prints `PASS` or `FAIL: <step>` as its last line; exits non-zero on failure.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$repo/test/pack"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/express-api-errors-smoke.XXXXXX")"
current_step='setup'

finish() {
  local code=$?
  rm -rf "$scratch"
  if [[ $code -eq 0 ]]; then
    echo 'PASS: pack smoke test'
  else
    echo "FAIL: pack smoke test, at step: $current_step (exit $code)" >&2
  fi
  exit "$code"
}
trap finish EXIT

step() {
  current_step="$*"
  printf '\n== %s\n' "$current_step"
}

# Runs a command quietly; shows its output only if it fails.
quietly() {
  local log="$scratch/step.log"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    return 1
  fi
}

step 'npm pack (prepack builds dist/)'
(cd "$repo" && quietly npm pack --pack-destination "$scratch")
tarballs=("$scratch"/express-api-errors-*.tgz)
tarball="${tarballs[0]}"
[[ -f "$tarball" ]] || { echo "no tarball in $scratch" >&2; exit 1; }
echo "packed $(basename "$tarball")"

step 'tarball contents'
tar -tzf "$tarball" | sort >"$scratch/contents.txt"
for required in \
  package/package.json \
  package/README.md \
  package/LICENSE \
  package/dist/esm/index.js \
  package/dist/esm/index.d.ts \
  package/dist/esm/package.json \
  package/dist/cjs/index.js \
  package/dist/cjs/index.d.ts \
  package/dist/cjs/package.json \
  package/dist/esm/cli/bin.js \
  package/src/index.ts; do
  grep -qx "$required" "$scratch/contents.txt" || {
    echo "missing from the tarball: $required" >&2
    exit 1
  }
done
# src/ ships so that the source maps resolve; tests and examples do not.
if grep -E '^package/(test|examples)/|\.test\.|tsconfig' "$scratch/contents.txt"; then
  echo 'the tarball ships tests or examples (above)' >&2
  exit 1
fi
echo "$(wc -l <"$scratch/contents.txt") files, dist/esm and dist/cjs with types"

step 'publint: the package.json fields and files of the tarball'
(cd "$repo" && quietly ./node_modules/.bin/publint run "$tarball" --strict)

step 'are the types wrong: every entry point resolves to the right types under every module kind'
(cd "$repo" && quietly ./node_modules/.bin/attw "$tarball" --no-color)

step 'install the tarball in a scratch app'
app="$scratch/app"
mkdir "$app"
cp "$here"/fixtures/index.mjs "$here"/fixtures/index.cjs "$here"/fixtures/catalog.mjs "$here"/fixtures/catalog.cjs \
  "$here"/fixtures/catalog-compiled.cjs "$app/"
cat >"$app/package.json" <<'JSON'
{ "name": "smoke-app", "version": "0.0.0", "private": true, "type": "commonjs" }
JSON
(cd "$app" && quietly npm install --no-audit --no-fund --prefer-offline \
  "$tarball" express@5 http-errors@2 typescript@5.9 typescript50@npm:typescript@5.0 @types/express@5 @types/node@20)

# The TypeScript consumer, written here rather than as files under test/ so
# that the repository's own tsc and eslint runs do not try to resolve
# 'express-api-errors' against an unbuilt dist/. One body, three module kinds.
read -r -d '' types_body <<'TS' || true
import express from 'express';
import {
  ApiError,
  defaultCatalog,
  errorHandler,
  isApiError,
  NotFoundError,
  UnauthorizedError,
  type ErrorHandlerOptions,
  type ProblemDetails,
} from 'express-api-errors';

const options: ErrorHandlerOptions = { logger: false };
export const app = express();
app.get('/missing', () => {
  throw new NotFoundError('No such order');
});
app.use(errorHandler(options));

const notFound = new NotFoundError('No such user', { subCode: '404.1' });
export const status: 404 = notFound.status;
const asBase: ApiError = notFound;
export const guarded: boolean = isApiError(asBase as unknown);
export const expired = new UnauthorizedError('Token expired', { subCode: '401.24' });
export const name: string | undefined = defaultCatalog.get(404)?.name;
export const problem: ProblemDetails = {
  type: 'about:blank',
  title: 'Not Found',
  status: 404,
  detail: 'No such user',
  code: 'NOT_FOUND',
};

// @ts-expect-error -- 401.24 is a sub-code of 401, not of 404
export const wrong = new NotFoundError('x', { subCode: '401.24' });
// @ts-expect-error -- the status alone decides the sub-codes (NoInfer, spelt for TypeScript 5.0)
export const wrongBase = new ApiError(404, 'x', { subCode: '409.1' });
TS
for file in types.mts types.cts types.ts; do printf '%s\n' "$types_body" >"$app/$file"; done
write_tsconfig() { # file, module, moduleResolution, files...
  local file="$1" module="$2" resolution="$3"
  shift 3
  local list
  list="$(printf '"%s",' "$@")"
  cat >"$app/$file" <<JSON
{
  "compilerOptions": {
    "module": "$module",
    "moduleResolution": "$resolution",
    "target": "es2022",
    "strict": true,
    "noEmit": true,
    "esModuleInterop": true,
    "skipLibCheck": false,
    "types": ["node"]
  },
  "files": [${list%,}]
}
JSON
}
write_tsconfig tsconfig.nodenext.json nodenext nodenext types.mts types.cts
write_tsconfig tsconfig.bundler.json esnext bundler types.ts
write_tsconfig tsconfig.node10.json commonjs node10 types.ts

step 'TypeScript 5.0, the oldest the README names: tsc --noEmit under nodenext, bundler and node10'
(
  cd "$app"
  for config in tsconfig.nodenext.json tsconfig.bundler.json tsconfig.node10.json; do
    ./node_modules/typescript50/bin/tsc -p "$config"
  done
)

step 'ESM: import, throw NotFoundError, fetch a 404 problem'
(cd "$app" && timeout 30 node index.mjs)

step 'CommonJS: require, throw NotFoundError, fetch a 404 problem; http-errors recognises it'
(cd "$app" && timeout 30 node index.cjs)

step 'TypeScript: tsc --noEmit under module nodenext (ESM and CommonJS files)'
(cd "$app" && ./node_modules/.bin/tsc -p tsconfig.nodenext.json)

step 'TypeScript: tsc --noEmit under moduleResolution bundler'
(cd "$app" && ./node_modules/.bin/tsc -p tsconfig.bundler.json)

step 'TypeScript: tsc --noEmit under moduleResolution node10 (main/types fields)'
(cd "$app" && ./node_modules/.bin/tsc -p tsconfig.node10.json)

step 'CLI: npx express-api-errors --help and --version, docs in every format, from ESM and CommonJS catalogs'
(
  cd "$app"
  # Into files, then grep: `grep -q` on a pipe would close it early and fail the command (pipefail).
  npx --no-install express-api-errors --help >help.txt
  grep -q '^Usage: express-api-errors <command>' help.txt
  npx --no-install express-api-errors --version >version.txt
  grep -qx "$(node -p 'require("express-api-errors/package.json").version')" version.txt
  npx --no-install express-api-errors docs >page.md
  grep -qx '# Response codes' page.md
  npx --no-install express-api-errors docs --format html --type-base-uri https://api.example.com/docs/errors --out page.html
  grep -q '&quot;type&quot;: &quot;https://api.example.com/docs/errors#401.24&quot;' page.html
  npx --no-install express-api-errors docs --format openapi >openapi.json
  node -e 'const d = JSON.parse(require("fs").readFileSync("openapi.json", "utf8")); if (!d.components.responses.Unauthorized) process.exit(1)'
  npx --no-install express-api-errors docs --format json --catalog ./catalog.mjs >esm.json
  grep -q '"ORDER_NOT_FOUND"' esm.json
  npx --no-install express-api-errors docs --format md --catalog ./catalog.cjs >cjs.md
  grep -q 'TOKEN_NOT_RECOGNIZED' cjs.md
  if grep -q 'TOKEN_EXPIRED' cjs.md; then echo 'the CommonJS catalog was not the one rendered' >&2; exit 1; fi
  # `export default` compiled to CommonJS by TypeScript or Babel: exports.default, with __esModule.
  npx --no-install express-api-errors docs --format md --catalog ./catalog-compiled.cjs >compiled.md
  grep -q 'REFUND_NOT_FOUND' compiled.md
)

step 'CLI: exit codes of diff (1: breaking) and of a bad flag (2, one line)'
(
  cd "$app"
  npx --no-install express-api-errors diff ./catalog.cjs ./catalog.mjs >diff.txt && code=0 || code=$?
  [[ $code -eq 0 ]] || { echo "diff of an addition exited $code" >&2; exit 1; }
  grep -qx 'non-breaking: 404.71 ORDER_NOT_FOUND was added' diff.txt
  npx --no-install express-api-errors diff ./catalog.mjs ./catalog.cjs >diff.txt && code=0 || code=$?
  [[ $code -eq 1 ]] || { echo "diff of a removal exited $code, not 1" >&2; exit 1; }
  grep -qx 'breaking: 401.24 TOKEN_EXPIRED was removed' diff.txt
  npx --no-install express-api-errors docs --formt md 2>err.txt && code=0 || code=$?
  [[ $code -eq 2 && $(wc -l <err.txt) -eq 1 ]] || { echo "a bad flag exited $code" >&2; cat err.txt >&2; exit 1; }
  grep -qx 'express-api-errors: unknown option --formt (see --help)' err.txt
)

current_step='done'

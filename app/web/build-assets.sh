#!/usr/bin/env bash
# `make assets`: install the pinned front-end packages, compile the Sass once (our font and
# brand colour, no GOV.UK branding) and copy what is served at /assets into app/web/built/.
# Without node/npm it says so in one line and the pages are served unstyled.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/../.."
OUT=app/web/built
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "node/npm not found: the web pages will be served unstyled (install Node.js 20+ for GOV.UK styles)"
  exit 0
fi
npm install --no-save --no-audit --no-fund --loglevel=error > /dev/null
GOVUK=node_modules/govuk-frontend/dist/govuk
MOJ=node_modules/@ministryofjustice/frontend/moj
rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp/images"
node_modules/.bin/sass --load-path=. --no-source-map --style=compressed --quiet-deps --quiet \
  app/web/scss/handover.scss "$OUT.tmp/handover.css"
# Icons only (MOJ ships GOV.UK's with its own): the crown, crest and logotypes are not ours.
cp "$MOJ"/assets/images/icon-* "$OUT.tmp/images/"
cp "$GOVUK/govuk-frontend.min.js" "$MOJ/moj-frontend.min.js" "$OUT.tmp/"
cp app/web/static/* "$OUT.tmp/"
# Swagger UI for /docs, served from here so the API documentation works offline.
mkdir -p "$OUT.tmp/swagger-ui"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
  "$OUT.tmp/swagger-ui/"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
touch "$OUT/.stamp"
echo "web assets built in $OUT"

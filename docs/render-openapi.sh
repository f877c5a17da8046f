#!/usr/bin/env bash
# Renders docs/openapi.yaml to docs/openapi.html: one self-contained page (Redoc's script inlined by
# redoc-cli), made to load nothing from the network (its web-font link and its logo URL are taken out).
# Needs node and npm; redoc-cli comes from the npm registry. OpenApiHtmlIT checks the page in Chromium.
# `make docs` (and `make test`) run it when the spec changed; the page is generated, not tracked.
set -euo pipefail
cd "$(dirname "$0")/.."
REDOC_CLI=${REDOC_CLI:-redoc-cli@0.13.21}
command -v npx >/dev/null || { echo "render-openapi: needs node and npm (apt-get install nodejs npm)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npx -y "$REDOC_CLI" build docs/openapi.yaml -o "$work/page.html" --title "dsync API" \
  --options.expandResponses=200 --options.jsonSampleExpandLevel=3 >"$work/log" 2>&1 \
  || { cat "$work/log" >&2; exit 1; }
python3 - "$work/page.html" docs/openapi.html <<'PY'
import re, sys
page, out = sys.argv[1:]
html = open(page, encoding="utf-8").read()
# Web fonts: the page falls back to the system's sans-serif.
html, fonts = re.subn(r'<link href="https://fonts\.googleapis\.com/[^"]*" rel="stylesheet">', "", html)
# The "API docs by Redocly" badge fetches a logo; an empty inline SVG instead.
html, logos = re.subn(r'https://cdn\.redoc\.ly/redoc/logo-mini\.svg', "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E", html)
if fonts != 1 or logos != 1:
    sys.exit("render-openapi: redoc-cli's output changed (fonts %d, logos %d); update this script" % (fonts, logos))
if re.search(r'(src="|<link[^>]*href=")https?://|https://cdn\.', html):
    sys.exit("render-openapi: the page still loads something from the network")
open(out, "w", encoding="utf-8").write(html)
PY
echo "render-openapi: docs/openapi.html ($(wc -c <docs/openapi.html) bytes, $REDOC_CLI, no network needed)"

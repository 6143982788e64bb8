#!/usr/bin/env bash
# Refreshes the UI's vendored JavaScript (service/ui/static/vendor/) from the npm registry:
# `npm pack` of pinned versions into a temp folder, then only the built files and licences
# are copied. Change a version here, run this script, run `make test`, commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."

CYTOSCAPE=3.34.4        # graph rendering and interaction (MIT)
CYTOSCAPE_DAGRE=4.0.1   # the dagre layered layout for cytoscape, @dagrejs/dagre 3 bundled (MIT)
SVGCANVAS=2.6.0         # a canvas 2D context that records SVG, for the SVG download (MIT)
DAGRE=3.1.3             # only for its licence text: cytoscape-dagre bundles dagre 3

out=service/ui/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "cytoscape@$CYTOSCAPE" "cytoscape-dagre@$CYTOSCAPE_DAGRE" \
    "svgcanvas@$SVGCANVAS" "@dagrejs/dagre@$DAGRE" >/dev/null)
mv "$work"/dagrejs-dagre-*.tgz "$work/dagre-$DAGRE.tgz"
for package in cytoscape cytoscape-dagre svgcanvas dagre; do
    mkdir -p "$work/$package"
    tar xzf "$work/$package"-[0-9]*.tgz -C "$work/$package" --strip-components=1
done

rm -rf "$out" && mkdir -p "$out"
cp "$work/cytoscape/dist/cytoscape.min.js" "$out/"
cp "$work/cytoscape/LICENSE" "$out/cytoscape.LICENSE"
cp "$work/cytoscape-dagre/dist/cytoscape-dagre.min.js" "$out/"
cp "$work/cytoscape-dagre/LICENSE" "$out/cytoscape-dagre.LICENSE"
cp "$work/dagre/LICENSE" "$out/dagre.LICENSE"
cp "$work/svgcanvas/dist/svgcanvas.esm.js" "$out/"
cp "$work/svgcanvas/LICENSE" "$out/svgcanvas.LICENSE"

cat > "$out/VENDOR.md" <<MD
# Vendored JavaScript

Built files copied unchanged from the npm packages below by \`scripts/vendor-ui.sh\`
(\`npm pack\` of the pinned versions). Do not edit them here; change the version in the
script and run it again.

| file | package | version | licence |
|---|---|---|---|
| cytoscape.min.js | cytoscape | $CYTOSCAPE | MIT (cytoscape.LICENSE) |
| cytoscape-dagre.min.js | cytoscape-dagre, with @dagrejs/dagre 3 bundled in it | $CYTOSCAPE_DAGRE | MIT (cytoscape-dagre.LICENSE, dagre.LICENSE) |
| svgcanvas.esm.js | svgcanvas | $SVGCANVAS | MIT (svgcanvas.LICENSE) |

Why these: Cytoscape.js is a maintained graph library with canvas rendering fast enough
for thousands of nodes, built-in PROV-like shapes (ellipse, rectangle, house-like
pentagon) and PNG export; dagre gives the layered left-to-right DAG layout; svgcanvas lets
Cytoscape's own renderer draw into an SVG document for the SVG download.

sha256:
$(cd "$out" && sha256sum ./*.js | sed 's/^/    /')
MD
echo "vendored into $out:"
ls -l "$out"

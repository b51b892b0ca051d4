// Build the card into the integration: one minified ES module that Home Assistant serves.
//
// node build.mjs (npm run build); scripts/setup runs it when the sources' hash changes and
// writes that hash next to the bundle (tests/test_card.py checks the two agree).

import { build } from "esbuild";

await build({
  entryPoints: ["src/index.js"],
  outfile: "../custom_components/blink_health/frontend/blink-health-card.js",
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2021",
  legalComments: "eof",
  logLevel: "warning",
});

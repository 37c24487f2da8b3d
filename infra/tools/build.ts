// The production build: `npm run build` bundles the predictor and the scaler into dist/ as plain
// JavaScript (no TypeScript loader at run time), prebuilds the dashboard's script beside the
// predictor, and records every package the bundles import so a test can check each one is a
// runtime dependency (`npm ci --omit=dev` installs it). See docs/deployment.md.
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Metafile, Plugin } from "esbuild";
import { build } from "esbuild";
import { DASHBOARD_BUNDLE_OPTIONS, dashboardEntry } from "../../predictor/dashboard/dashboard-bundle.ts";
import { PREBUILT_SCRIPT } from "../../predictor/dashboard/dashboard-assets.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dist = path.join(root, "dist");

/** The services' entry points and where each bundle goes. */
export const SERVICE_ENTRIES = {
  "predictor/main": "predictor/main.ts",
  "scaler/main": "scaler/main.ts",
} as const;

/** The dashboard imports esbuild only to bundle its page at a source start; the production build
 * writes the page beforehand, so the bundles get a stub instead of a development tool. */
const esbuildStub: Plugin = {
  name: "esbuild-stub",
  setup(plugin) {
    plugin.onResolve({ filter: /^esbuild$/ }, () => ({ path: "esbuild", namespace: "dev-only" }));
    plugin.onLoad({ filter: /.*/, namespace: "dev-only" }, () => ({
      contents:
        'export function build() { throw new Error("esbuild is not part of the production build: dist/predictor/dashboard.js is missing"); }',
      loader: "js",
    }));
  },
};

/** The bare package names a bundle imports (node: built-ins left out), with the kind of import. */
function externalPackages(metafile: Metafile): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const output of Object.values(metafile.outputs))
    for (const item of output.imports) {
      if (!item.external || item.path.startsWith("node:")) continue;
      const parts = item.path.split("/");
      const name = item.path.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? item.path);
      (out[name] ??= new Set()).add(item.kind);
    }
  return Object.fromEntries(
    Object.entries(out)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, kinds]) => [name, [...kinds].sort()]),
  );
}

async function main(): Promise<void> {
  await rm(dist, { recursive: true, force: true });
  const services = await build({
    entryPoints: Object.fromEntries(
      Object.entries(SERVICE_ENTRIES).map(([out, entry]) => [out, path.join(root, entry)]),
    ),
    outdir: dist,
    bundle: true,
    platform: "node",
    format: "esm",
    target: ["node22"],
    // Dependencies stay in node_modules (installed by `npm ci --omit=dev`), so native and
    // WebAssembly packages (tfjs-node, tfjs-backend-wasm) find their files as usual.
    packages: "external",
    plugins: [esbuildStub],
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const predictorDir = path.join(dist, "predictor");
  await build({
    ...DASHBOARD_BUNDLE_OPTIONS,
    entryPoints: [dashboardEntry(path.join(root, "predictor/dashboard"))],
    outfile: path.join(predictorDir, PREBUILT_SCRIPT),
    logLevel: "warning",
  });
  await cp(path.join(root, "predictor/dashboard/static"), path.join(predictorDir, "static"), {
    recursive: true,
  });
  await mkdir(dist, { recursive: true });
  await writeFile(
    path.join(dist, "imports.json"),
    `${JSON.stringify({ packages: externalPackages(services.metafile) }, null, 2)}\n`,
  );
  process.stdout.write(
    `build: ${Object.keys(SERVICE_ENTRIES)
      .map((name) => `dist/${name}.js`)
      .join(", ")}, dist/predictor/${PREBUILT_SCRIPT}\n`,
  );
}

await main();

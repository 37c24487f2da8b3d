import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DASHBOARD_BUNDLE_OPTIONS, dashboardEntry } from "./dashboard-bundle.ts";

/** One file the dashboard serves: its bytes, content type and a strong ETag. */
export type Asset = { body: Uint8Array<ArrayBuffer>; contentType: string; etag: string };

/** Every file of the dashboard, by URL path. */
export type DashboardAssets = ReadonlyMap<string, Asset>;

const here = path.dirname(fileURLToPath(import.meta.url));
/** The page's script, written by the production build beside the bundled predictor. */
export const PREBUILT_SCRIPT = "dashboard.js";

function asset(body: Uint8Array | string, contentType: string): Asset {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body);
  return {
    body: bytes,
    contentType,
    etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"`,
  };
}

/** The page's script as the production build wrote it beside the bundled service, or null when
 * running from source. */
async function prebuiltScript(): Promise<Uint8Array | null> {
  try {
    return await readFile(path.join(here, PREBUILT_SCRIPT));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Builds the dashboard: the page's TypeScript bundled by esbuild into one script (in memory, at
 * a source start: a second or less, and nothing to keep in step; the production build writes it
 * to dist/ instead, so esbuild is not needed at run time), the static HTML and CSS, and ECharts'
 * own minified build served from node_modules as a vendor file, so the page loads nothing from
 * anywhere but the predictor.
 */
export async function buildDashboardAssets(): Promise<DashboardAssets> {
  let script = await prebuiltScript();
  if (script === null) {
    const { build } = await import("esbuild");
    const result = await build({
      ...DASHBOARD_BUNDLE_OPTIONS,
      entryPoints: [dashboardEntry(here)],
      write: false,
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error("esbuild produced no dashboard script");
    script = output.contents;
  }
  const require = createRequire(import.meta.url);
  const echartsDir = path.dirname(require.resolve("echarts/package.json"));
  const staticDir = path.join(here, "static");
  const [html, css, icon, echarts] = await Promise.all([
    readFile(path.join(staticDir, "index.html")),
    readFile(path.join(staticDir, "dashboard.css")),
    readFile(path.join(staticDir, "favicon.svg")),
    readFile(path.join(echartsDir, "dist", "echarts.min.js")),
  ]);
  return new Map([
    ["/", asset(html, "text/html; charset=utf-8")],
    ["/dashboard.js", asset(script, "text/javascript; charset=utf-8")],
    ["/dashboard.css", asset(css, "text/css; charset=utf-8")],
    ["/favicon.svg", asset(icon, "image/svg+xml")],
    ["/vendor/echarts.min.js", asset(echarts, "text/javascript; charset=utf-8")],
  ]);
}

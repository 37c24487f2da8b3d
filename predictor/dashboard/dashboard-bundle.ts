import path from "node:path";
import type { BuildOptions } from "esbuild";

/** The dashboard page's entry point, from the folder of dashboard-assets.ts. */
export function dashboardEntry(dashboardDir: string): string {
  return path.join(dashboardDir, "page", "main.ts");
}

/** How the page's TypeScript becomes one browser script: the same options at a source start
 * (bundled in memory) and in the production build (written to dist/, see docs/deployment.md). */
export const DASHBOARD_BUNDLE_OPTIONS = {
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  legalComments: "none",
  logLevel: "silent",
} as const satisfies BuildOptions;

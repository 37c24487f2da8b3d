import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { build, stop } from "esbuild";
import { REPO_ROOT } from "./service-process.ts";

/**
 * Bundles the Worker (edge/index.ts) for workerd into `dir` (which must hold nothing else), as
 * wrangler would (ES module,
 * workerd conditions). The stack runs this snapshot with `--no-bundle`: wrangler dev would
 * otherwise watch edge/ and rebuild and reload the Worker, dropping requests in flight, whenever
 * a source file changes during the run.
 */
export async function bundleWorker(dir: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, "edge/index.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  // esbuild keeps a service process for later builds; there are none, so it goes now rather than
  // outlive the stack (it starts again by itself if anything else in the process builds).
  await stop();
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild produced no output for edge/index.ts");
  // A directory of its own: with --no-bundle, wrangler watches the entry's directory and reloads
  // the Worker on any change there (the predictor's model files must not live next to it).
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, "worker.mjs");
  await writeFile(file, output.contents);
  return file;
}

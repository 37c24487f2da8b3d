import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
    }),
  );
  return files.flat().sort();
}

let bundled: Promise<string> | null = null;

/** The Worker (edge/index.ts) bundled for workerd with esbuild, as Wrangler would: built once
 * per source version and cached under node_modules/.cache, so test files share one build. */
export function workerBundle(): Promise<string> {
  bundled ??= (async () => {
    const hash = createHash("sha256");
    for (const file of [
      ...(await sourceFiles(path.join(root, "edge"))),
      ...(await sourceFiles(path.join(root, "contracts"))),
    ]) {
      hash.update(file).update(await readFile(file));
    }
    const lock = JSON.parse(await readFile(path.join(root, "package-lock.json"), "utf8")) as {
      packages?: Record<string, unknown>;
    };
    hash.update(JSON.stringify(lock.packages?.["node_modules/itty-router"] ?? null));
    const dir = path.join(root, "node_modules/.cache/headroom-edge");
    const file = path.join(dir, `worker-${hash.digest("hex").slice(0, 16)}.mjs`);
    if (existsSync(file)) return file;
    await mkdir(dir, { recursive: true });
    const result = await build({
      entryPoints: [path.join(root, "edge/index.ts")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      write: false,
      logLevel: "silent",
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error("esbuild produced no output for edge/index.ts");
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, output.contents);
    await rename(temp, file);
    return file;
  })();
  return bundled;
}

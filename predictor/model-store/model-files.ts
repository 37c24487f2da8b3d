import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { MetricName } from "../../contracts/index.ts";
import { ORIGIN_ID_PATTERN, validateWith } from "../../contracts/index.ts";
import type { SavedSeriesModel } from "./saved-model.ts";
import { savedSeriesModelSchema } from "./saved-model.ts";

/** A save's temporary file (`<metric>.json.<pid>.<8 hex>.tmp`). */
const TEMP_FILE = /^[a-z0-9_]+\.json\.\d+\.[0-9a-f]{8}\.tmp$/;
/** A temporary file this old is a crashed save's leftover, not a save in progress elsewhere. */
const STALE_TEMP_MS = 3_600_000;

/** A saved model file that could not be read back, and why. */
export type UnreadableModel = { file: string; reason: string };

/**
 * Saved series models on disk: `<dir>/<origin>/<metric>.json`. A save writes a temporary file in
 * the same directory and renames it over the old one, so a reader (or a crash) only ever sees a
 * whole old or a whole new model. The file's data is flushed to disk before the rename (and the
 * directory after it), so a power loss cannot leave the new name pointing at empty blocks either.
 * Several machines can share the directory (a network volume).
 */
export class ModelFiles {
  constructor(readonly dir: string) {}

  /** Where one series' model lives. */
  fileOf(origin: string, metric: MetricName): string {
    if (!ORIGIN_ID_PATTERN.test(origin)) throw new RangeError(`invalid origin id "${origin}"`);
    return path.join(this.dir, origin, `${metric}.json`);
  }

  /** Saves atomically and durably (temporary file, fsync, rename, fsync of the directory). */
  async save(model: SavedSeriesModel): Promise<string> {
    const file = this.fileOf(model.origin, model.metric);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      const handle = await open(temp, "w");
      try {
        await handle.writeFile(JSON.stringify(model));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(file));
    return file;
  }

  /** Reads and validates one series' model; null when none is saved. */
  async load(
    origin: string,
    metric: MetricName,
  ): Promise<{ model: SavedSeriesModel; modifiedMs: number } | null> {
    const file = this.fileOf(origin, metric);
    let text: string;
    let modifiedMs: number;
    try {
      [text, modifiedMs] = await Promise.all([readFile(file, "utf8"), stat(file).then((s) => s.mtimeMs)]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    return { model: parseSavedModel(text, file), modifiedMs };
  }

  /** When one series' model file last changed (null when absent): cheap staleness check. */
  async modifiedMs(origin: string, metric: MetricName): Promise<number | null> {
    try {
      return (await stat(this.fileOf(origin, metric))).mtimeMs;
    } catch {
      return null;
    }
  }

  /** Every saved model, with the files that failed validation reported apart (never thrown). */
  async loadAll(): Promise<{ models: SavedSeriesModel[]; unreadable: UnreadableModel[] }> {
    const models: SavedSeriesModel[] = [];
    const unreadable: UnreadableModel[] = [];
    let origins: string[];
    try {
      origins = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { models, unreadable };
      throw error;
    }
    for (const origin of origins.sort()) {
      let files: string[];
      try {
        files = await readdir(path.join(this.dir, origin));
      } catch {
        continue;
      }
      await removeStaleTemps(path.join(this.dir, origin), files);
      for (const name of files.filter((f) => f.endsWith(".json")).sort()) {
        const file = path.join(this.dir, origin, name);
        try {
          models.push(parseSavedModel(await readFile(file, "utf8"), file));
        } catch (error) {
          unreadable.push({ file, reason: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    return { models, unreadable };
  }
}

/** Makes a rename in `dir` durable; a platform that cannot open directories only skips this. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a directory; its rename is already durable enough.
  }
}

/** Deletes the temporary files that saves killed mid-way left behind, once they are old enough
 * that no save still running (on this or another machine) can own them. */
async function removeStaleTemps(dir: string, names: readonly string[]): Promise<void> {
  const now = Date.now();
  for (const name of names.filter((n) => TEMP_FILE.test(n))) {
    const file = path.join(dir, name);
    const modified = await stat(file).then(
      (s) => s.mtimeMs,
      () => now,
    );
    if (now - modified > STALE_TEMP_MS) await rm(file, { force: true });
  }
}

function parseSavedModel(text: string, file: string): SavedSeriesModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  const checked = validateWith(savedSeriesModelSchema, json);
  if (!checked.ok)
    throw new Error(
      `${file}: ${checked.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
  return checked.value;
}

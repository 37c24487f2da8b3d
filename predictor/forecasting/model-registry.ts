import type { MetricName } from "../../contracts/index.ts";
import type { ModelFiles, UnreadableModel } from "../model-store/model-files.ts";
import type { SavedSeriesModel } from "../model-store/saved-model.ts";
import type { ForecastModel } from "../models/model.ts";
import { restoreModel } from "../models/restore.ts";

/** A series' serving model with the record it was saved in. */
export type ServingModel = { saved: SavedSeriesModel; model: ForecastModel; modifiedMs: number };

type Entry = ServingModel & { users: number; retired: boolean };

/**
 * The models that serve forecasts, restored from the model directory and kept in memory. A model
 * retrained by another worker (sharing the directory) is noticed by its file's modification time
 * and reloaded on next use. A replaced model is freed once no forecast is still using it.
 */
export class ModelRegistry {
  private readonly serving = new Map<string, Entry>();

  constructor(private readonly files: ModelFiles) {}

  /** Loads every saved model (at start); unreadable files are returned, not thrown. */
  async loadAll(): Promise<{ loaded: number; unreadable: UnreadableModel[] }> {
    const { models, unreadable } = await this.files.loadAll();
    let loaded = 0;
    for (const saved of models) {
      try {
        const modifiedMs = (await this.files.modifiedMs(saved.origin, saved.metric)) ?? 0;
        this.replace({ saved, model: await restoreModel(saved.model), modifiedMs });
        loaded++;
      } catch (error) {
        unreadable.push({
          file: this.files.fileOf(saved.origin, saved.metric),
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return { loaded, unreadable };
  }

  /** Runs `use` with the serving model of a series (reloaded first when its file changed); null
   * when the series has no saved model. */
  async use<T>(
    origin: string,
    metric: MetricName,
    use: (serving: ServingModel) => Promise<T>,
  ): Promise<T | null> {
    const entry = await this.current(origin, metric);
    if (!entry) return null;
    entry.users++;
    try {
      return await use(entry);
    } finally {
      entry.users--;
      if (entry.retired && entry.users === 0) entry.model.dispose();
    }
  }

  /** Saves a newly trained model to disk (atomically) and serves it from now on. */
  async put(saved: SavedSeriesModel, model: ForecastModel): Promise<void> {
    await this.files.save(saved);
    this.replace({
      saved,
      model,
      modifiedMs: (await this.files.modifiedMs(saved.origin, saved.metric)) ?? 0,
    });
  }

  /** How many series have a model in memory. */
  get size(): number {
    return this.serving.size;
  }

  private async current(origin: string, metric: MetricName): Promise<Entry | null> {
    const cached = this.serving.get(idOf(origin, metric)) ?? null;
    const modifiedMs = await this.files.modifiedMs(origin, metric);
    if (modifiedMs === null || (cached && cached.modifiedMs >= modifiedMs)) return cached;
    const loaded = await this.files.load(origin, metric);
    if (!loaded) return cached;
    return this.replace({
      saved: loaded.model,
      model: await restoreModel(loaded.model.model),
      modifiedMs: loaded.modifiedMs,
    });
  }

  private replace(serving: ServingModel): Entry {
    const id = idOf(serving.saved.origin, serving.saved.metric);
    const previous = this.serving.get(id);
    const entry: Entry = { ...serving, users: 0, retired: false };
    this.serving.set(id, entry);
    if (previous && previous.model !== serving.model) {
      previous.retired = true;
      if (previous.users === 0) previous.model.dispose();
    }
    return entry;
  }
}

function idOf(origin: string, metric: string): string {
  return `${origin}/${metric}`;
}

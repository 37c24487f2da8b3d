import type { OriginTable, WeightsOverlay } from "../../contracts/index.ts";

/**
 * Where the scaler reads the origin table and reads and writes the weights overlay: the Worker's
 * admin API or the Cloudflare KV REST API. Each write replaces the whole overlay; a write whose
 * version is not greater than the stored one fails with a StaleVersionError, an invalid one with
 * a non-retryable RemoteCallError listing the issues, a transient fault with a retryable one.
 */
export interface WeightWriter {
  /** A short description for logs, e.g. "Worker admin API at http://127.0.0.1:8787". */
  readonly target: string;
  readTable(): Promise<OriginTable>;
  /** The stored overlay, or null when none is stored (an expired one is still returned). */
  readWeights(): Promise<WeightsOverlay | null>;
  writeWeights(overlay: WeightsOverlay): Promise<void>;
}

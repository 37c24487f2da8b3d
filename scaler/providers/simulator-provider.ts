import { fetchJson, statusError } from "../http/fetch-json.ts";
import { RemoteCallError } from "../http/http-errors.ts";
import type { ScaleProvider, ScaleRequest, ScaleResult } from "./scale-provider.ts";
import { requestSummary } from "./scale-provider.ts";

/** Options of the local simulator provider: the simulated origin's base URL. */
export type SimulatorOptions = { url: string; token?: string; timeoutMs?: number };

/** Resizes a simulated origin of the local stack through `POST /__sim/scale {"replicas": N}`;
 * added replicas start serving after the simulator's boot delay. */
export function simulatorProvider(options: SimulatorOptions): ScaleProvider {
  const url = `${options.url.replace(/\/+$/, "")}/__sim/scale`;
  return {
    target: `simulator ${url}`,
    async scale(request: ScaleRequest): Promise<ScaleResult> {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json",
      };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      const what = `POST ${url} (${requestSummary(request)})`;
      const answer = await fetchJson(url, {
        method: "POST",
        headers,
        body: JSON.stringify({ replicas: request.desired }),
        timeoutMs: options.timeoutMs ?? 5_000,
        what,
      });
      if (answer.status !== 202 && answer.status !== 200) throw statusError(what, answer);
      const desired = (answer.body as { desired?: unknown } | undefined)?.desired;
      if (typeof desired !== "number" || !Number.isInteger(desired))
        throw new RemoteCallError(
          `${what}: the answer lacks an integer "desired" (${answer.text.slice(0, 200)})`,
          { retryable: false },
        );
      return { replicas: desired };
    },
  };
}

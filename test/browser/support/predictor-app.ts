import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { edgeClient } from "../../../predictor/api/edge-client.ts";
import { predictorHandlers } from "../../../predictor/api/http-app.ts";
import { createPredictorServer } from "../../../predictor/api/server.ts";
import type { DashboardAssets } from "../../../predictor/dashboard/dashboard-assets.ts";
import type { DocumentStore } from "../../../predictor/store/documents.ts";
import type { ForecastHistory } from "../../../predictor/store/forecast-history.ts";
import type { SeriesStore } from "../../../predictor/store/series-store.ts";

/** The predictor's HTTP side (API and dashboard) on a free loopback port, wired as main.ts wires
 * it, over stores the test has seeded. */
export async function startPredictorApp(options: {
  series: SeriesStore;
  documents: DocumentStore;
  history: ForecastHistory;
  assets: DashboardAssets;
  adminToken: string;
  edge: { url: string; token: string } | null;
  horizonSteps: number;
}): Promise<{ url: string; close(): Promise<void> }> {
  const maxBodyBytes = 64 * 1024;
  const edge = options.edge ? edgeClient({ ...options.edge, now: Date.now, cacheMs: 0 }) : null;
  const handlers = predictorHandlers(
    {
      series: options.series,
      documents: options.documents,
      adminToken: options.adminToken,
      now: Date.now,
      maxBodyBytes,
      history: options.history,
      edge,
      horizonSteps: options.horizonSteps,
    },
    options.assets,
  );
  const server: Server = createPredictorServer({ ...handlers, maxBodyBytes });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

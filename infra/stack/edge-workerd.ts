import type { OriginTable } from "../../contracts/origin-table.ts";
import { validateOriginTable } from "../../contracts/origin-table.ts";
import type { EdgeDev } from "./edge-dev.ts";
import { adminCall, EdgeDevError } from "./edge-dev.ts";
import { startService, waitForHttp } from "./service-process.ts";

/**
 * Starts the Worker in workerd through Miniflare (infra/stack/edge-runner.ts, a child process in
 * its own process group), waits until it answers, stores the origin table through the admin
 * API and runs the active health check every `healthCheckEveryMs` (cron triggers do not fire
 * locally). The same shape as `startEdgeDev`, so the stack can run either.
 */
export async function startEdgeWorkerd(options: {
  port: number;
  adminToken: string;
  script: string;
  table: OriginTable;
  healthCheckEveryMs: number;
  log?: (line: string) => void;
  startTimeoutMs?: number;
  inspectorPort?: number;
}): Promise<EdgeDev> {
  const checked = validateOriginTable(options.table);
  if (!checked.ok)
    throw new EdgeDevError(
      `the table is invalid: ${checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
    );
  const log = options.log ?? (() => undefined);
  const runner = startService({
    name: "the Worker (workerd)",
    script: "infra/stack/edge-runner.ts",
    args: [
      "--port",
      String(options.port),
      "--script",
      options.script,
      ...(options.inspectorPort !== undefined ? ["--inspector-port", String(options.inspectorPort)] : []),
    ],
    env: { EDGE_ADMIN_TOKEN: options.adminToken },
    onLine: log,
  });
  const url = `http://127.0.0.1:${options.port}`;
  let timer: NodeJS.Timeout | null = null;
  const stop = async (): Promise<void> => {
    if (timer) clearInterval(timer);
    await runner.stop();
  };
  try {
    await waitForHttp(`${url}/__lb/healthz`, runner, options.startTimeoutMs ?? 90_000);
    await adminCall(url, options.adminToken, "PUT", "/__lb/table", options.table);
  } catch (error) {
    await stop();
    throw error;
  }
  timer = setInterval(() => {
    adminCall(url, options.adminToken, "POST", "/__lb/check").catch((error: unknown) => {
      log(`health check failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, options.healthCheckEveryMs);
  return {
    url,
    pid: runner.pid,
    exited: runner.exited,
    adminToken: options.adminToken,
    putTable: async (table) => {
      await adminCall(url, options.adminToken, "PUT", "/__lb/table", table);
    },
    putWeights: async (overlay) => {
      await adminCall(url, options.adminToken, "PUT", "/__lb/weights", overlay);
    },
    admin: (pathname) => adminCall(url, options.adminToken, "GET", pathname),
    stop,
  };
}

import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { parseJsonText, seededRng, ValidationError } from "../../contracts/index.ts";
import { CliError, issuesAsCliError, numberFlag, runCli } from "../traces/cli-flags.ts";
import { DEFAULT_FLEET } from "./default-fleet.ts";
import type { Fleet } from "./fleet.ts";
import { startFleet } from "./fleet.ts";
import { PortInUseError } from "./origin-server.ts";
import { realScheduler } from "./scheduler.ts";

const USAGE = `Usage: npx tsx infra/simulator/main.ts [options]

Runs a fleet of simulated origins on loopback until Ctrl-C and prints them.

  --fleet FILE       fleet spec as JSON (default: 4 pools x 2 origins, see docs/local-stack.md)
  --base-port N      port of the first origin, the others follow (default 9101; 0 = free ports)
  --host ADDR        loopback address to listen on (default 127.0.0.1)
  --token TOKEN      require Authorization: Bearer TOKEN on /__sim/* (or SIM_CONTROL_TOKEN)
  --seed N           random seed of service times (default: random)
  --table-out FILE   also write the matching origin table (JSON) to FILE
  --json             print the origin table as JSON on stdout instead of the listing
`;

/** A one-screen listing of the fleet. */
export function describeFleet(fleet: Fleet): string {
  const rows = [["pool", "city", "origin", "url", "replicas", "capacity", "boot"]];
  for (const running of fleet.origins) {
    const spec = running.origin.spec;
    const city = fleet.spec.pools.find((pool) => pool.name === spec.pool)?.city ?? "";
    rows.push([
      spec.pool,
      city,
      spec.id,
      running.url,
      `${spec.initialReplicas} (${spec.minReplicas}-${spec.maxReplicas})`,
      `${spec.capacityPerReplicaRps} rps/replica`,
      `${spec.bootDelaySeconds} s`,
    ]);
  }
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map(
      (row) =>
        `  ${row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join("  ")
          .trimEnd()}`,
    )
    .join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fleet: { type: "string" },
      "base-port": { type: "string" },
      host: { type: "string" },
      token: { type: "string" },
      seed: { type: "string" },
      "table-out": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  let spec: Record<string, unknown> = { ...DEFAULT_FLEET };
  if (values.fleet !== undefined) {
    const parsed = parseJsonText(await readFile(values.fleet, "utf8"));
    if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null)
      throw new CliError(
        `--fleet ${values.fleet}: ${parsed.ok ? "must hold a JSON object" : (parsed.issues[0]?.message ?? "invalid")}`,
      );
    spec = parsed.value as Record<string, unknown>;
  }
  const basePort = numberFlag("base-port", values["base-port"]);
  if (basePort !== undefined) spec.basePort = basePort;
  if (values.host !== undefined) spec.host = values.host;
  const seed = numberFlag("seed", values.seed) ?? Math.floor(Math.random() * 2 ** 32);
  const controlToken = values.token ?? process.env.SIM_CONTROL_TOKEN;
  let fleet: Fleet;
  try {
    fleet = await startFleet(spec, {
      scheduler: realScheduler(),
      rng: seededRng(seed),
      ...(controlToken ? { controlToken } : {}),
    });
  } catch (error) {
    if (error instanceof ValidationError)
      throw issuesAsCliError(error.issues, { basePort: "base-port", host: "host" });
    if (error instanceof PortInUseError) throw new CliError(`${error.message} (--base-port changes them)`);
    throw error;
  }
  if (values["table-out"] !== undefined)
    await writeFile(values["table-out"], `${JSON.stringify(fleet.table, null, 2)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(fleet.table, null, 2)}\n`);
  else
    process.stdout.write(
      `simulator: ${fleet.origins.length} origins in ${fleet.spec.pools.length} pools, seed ${seed}${controlToken ? ", control token required" : ""}\n${describeFleet(fleet)}\nCtrl-C stops the fleet.\n`,
    );
  const shutdown = (): void => {
    fleet.stop().then(
      () => {
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`simulator: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  // The origins' timers are unref'd; this keeps the process alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

runCli("simulator", main);

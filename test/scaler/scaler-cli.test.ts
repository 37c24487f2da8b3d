import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../support/run-script.ts";

let dir = "";

/** Starts the scaler's entry point with `args`; every case here ends before the scaler takes any job. */
function scaler(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "SCALER_CONFIG"));
  return runScript("scaler/main.ts", args, { ...base, ...env });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "scaler-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the scaler's command line", () => {
  it("prints its usage and environment on --help and exits 0", async () => {
    const result = await scaler(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("usage: tsx scaler/main.ts [--config FILE]");
    expect(result.stdout).toMatch(
      /SCALER_QUEUE +BullMQ queue shared by the deployment's scaler processes \(default lb-scaler\)/,
    );
    expect(result.stdout).toMatch(
      /--metrics-port N +serve GET \/metrics \(Prometheus\) and GET \/healthz on this port \(default: off\)/,
    );
  });

  it("exits 2 on a metrics port that is not one, naming the flag or the variable", async () => {
    const file = path.join(dir, "ok.yaml");
    await writeFile(file, 'weights: { kind: worker-admin, url: "http://127.0.0.1:8787" }\norigins: {}\n');
    const flag = await scaler(["--config", file, "--metrics-port", "http"], { LB_ADMIN_TOKEN: "t" });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--metrics-port: must be a port number from 0 to 65535, not "http"');
    const variable = await scaler(["--config", file], { LB_ADMIN_TOKEN: "t", SCALER_METRICS_PORT: "70000" });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain(
      'SCALER_METRICS_PORT: must be a port number from 0 to 65535, not "70000"',
    );
  });

  it("stops before it works when its metrics port is taken, naming the port and the setting", async () => {
    const file = path.join(dir, "ok.yaml");
    await writeFile(file, 'weights: { kind: worker-admin, url: "http://127.0.0.1:8787" }\norigins: {}\n');
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const result = await scaler(["--config", file, "--metrics-port", String(port)], {
        LB_ADMIN_TOKEN: "t",
        REDIS_PREFIX: `scaler-cli-${port}`,
        SCALER_QUEUE: `scaler-cli-${port}`,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `scaler: cannot serve metrics on 127.0.0.1:${port} (--metrics-port / SCALER_METRICS_PORT): listen EADDRINUSE`,
      );
    } finally {
      await new Promise((resolve) => {
        holder.close(resolve);
      });
    }
  });

  it("exits 2 on an unknown option, with the usage", async () => {
    const result = await scaler(["--cfg", "x.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^scaler: Unknown option '--cfg'/);
    expect(result.stderr).toContain("usage: tsx scaler/main.ts");
  });

  it("exits 2 without a configuration, and on a bad one listing every problem", async () => {
    const missing = await scaler([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "--config: name the configuration file with --config FILE or SCALER_CONFIG",
    );
    const file = path.join(dir, "bad.yaml");
    await writeFile(
      file,
      'intervalSeconds: 0\nweights: { kind: worker-admin, url: "http://127.0.0.1:8787" }\norigins:\n  eu-1: { rpsPerReplica: 100, minReplicas: 2, maxReplicas: 0, bootSeconds: 300, provider: { kind: simulator } }\n',
    );
    const bad = await scaler([], { SCALER_CONFIG: file, LB_ADMIN_TOKEN: "t" });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")).toEqual([
      `scaler: scaler configuration ${file} is invalid:`,
      "  intervalSeconds: must be at least 1",
      '  origins["eu-1"].maxReplicas: must be at least 1',
      '  origins["eu-1"].minReplicas: must not exceed maxReplicas (0)',
      "",
    ]);
  });
});

import { startEdgeDev } from "../stack/edge-dev.ts";
import type { Benchmark } from "./benchmark.ts";
import { LoopbackOrigin, freePortPair } from "./edge/loopback-origin.ts";
import { headlineComment } from "./report.ts";
import { fillTemplate } from "./template.ts";

type Sample = { at: number; ok: boolean; origin: string | null; ms: number };

const ADMIN_TOKEN = "bench-admin-token-0123456789";

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Fault injection through the real Worker under wrangler dev: steady GET traffic to three
 * loopback origins, one killed and later restarted. */
const benchmark: Benchmark = {
  name: "edge-faults",
  title: "Edge under a failing origin (wrangler dev, three loopback origins)",
  async run(context) {
    const quick = context.quick;
    const rps = 100;
    const killAt = quick ? 5_000 : 15_000;
    const restartAt = quick ? 15_000 : 35_000;
    const endAt = quick ? 50_000 : 90_000;
    const checkEveryMs = 5_000;
    const origins = await Promise.all(
      ["a", "b", "c"].map((name) => LoopbackOrigin.start(`fault-${name}`, 5)),
    );
    const victim = origins[2];
    if (!victim) throw new Error("no origin to kill");
    const port = await freePortPair();
    context.log(`starting wrangler dev on port ${port}`);
    const edge = await startEdgeDev({
      port,
      adminToken: ADMIN_TOKEN,
      healthCheckEveryMs: checkEveryMs,
      table: {
        version: 1,
        updatedAt: new Date().toISOString(),
        pools: [
          {
            name: "local",
            location: { lat: 50.11, lon: 8.68 },
            origins: origins.map((o) => ({ id: o.name, url: o.url, weight: 100 })),
          },
        ],
      },
    });
    const samples: Sample[] = [];
    // Set from the status watcher's callback.
    const observed: { ejectedAt: number | null } = { ejectedAt: null };
    let killedAt = 0;
    let restartedAt = 0;
    try {
      const started = Date.now();
      const pending = new Set<Promise<void>>();
      let fired = 0;
      const watch = setInterval(() => {
        if (killedAt === 0 || observed.ejectedAt !== null) return;
        void edge.admin("/__lb/status").then(
          (status) => {
            const events = (status as { events: { kind: string; origin?: string; at: string }[] }).events;
            const ejected = events.find(
              (event) =>
                event.kind === "ejected" && event.origin === victim.name && Date.parse(event.at) >= killedAt,
            );
            if (ejected && observed.ejectedAt === null) observed.ejectedAt = Date.parse(ejected.at);
          },
          () => undefined,
        );
      }, 250);
      while (Date.now() - started < endAt) {
        const elapsed = Date.now() - started;
        if (killedAt === 0 && elapsed >= killAt) {
          await victim.kill();
          killedAt = Date.now();
          context.log(`killed ${victim.name} at ${(elapsed / 1000).toFixed(1)} s`);
        }
        if (restartedAt === 0 && elapsed >= restartAt) {
          await victim.restart();
          restartedAt = Date.now();
          context.log(`restarted ${victim.name} at ${(elapsed / 1000).toFixed(1)} s`);
        }
        const due = Math.floor((elapsed * rps) / 1000);
        while (fired < due) {
          fired++;
          const sent = Date.now();
          const request = fetch(`${edge.url}/item/${fired}`, { signal: AbortSignal.timeout(10_000) })
            .then(
              async (response) => {
                await response.arrayBuffer();
                samples.push({
                  at: sent,
                  ok: response.ok,
                  origin: response.headers.get("x-lb-origin"),
                  ms: Date.now() - sent,
                });
              },
              () => {
                samples.push({ at: sent, ok: false, origin: null, ms: Date.now() - sent });
              },
            )
            .finally(() => {
              pending.delete(request);
            });
          pending.add(request);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await Promise.all(pending);
      clearInterval(watch);
      const metrics = await fetch(`${edge.url}/__lb/metrics`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }).then((r) => r.text());
      const retried = metrics
        .split("\n")
        .filter((line) => line.startsWith("lb_retries_total{"))
        .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
      const failed = samples.filter((s) => !s.ok);
      const restoredSample = samples
        .filter((s) => s.origin === victim.name && s.at >= restartedAt)
        .sort((x, y) => x.at - y.at)[0];
      const during = samples.filter((s) => s.at >= killedAt && s.at < killedAt + 5_000).map((s) => s.ms);
      const all = samples.map((s) => s.ms);
      const lastShare = samples.filter((s) => s.at >= started + endAt - 10_000);
      const victimShare =
        lastShare.filter((s) => s.origin === victim.name).length / Math.max(1, lastShare.length);
      const seconds = (ms: number | null | undefined) =>
        ms === null || ms === undefined ? "never" : `${(ms / 1000).toFixed(2)} s`;
      const cells = [
        samples.length,
        failed.length,
        failed.length,
        retried,
        seconds(observed.ejectedAt === null ? null : observed.ejectedAt - killedAt),
        seconds(restoredSample ? restoredSample.at - restartedAt : null),
        `${percentile(all, 0.5)} ms / ${percentile(all, 0.99)} ms`,
        `${percentile(during, 0.99)} ms`,
        `${(victimShare * 100).toFixed(1)} %`,
      ];
      return [
        fillTemplate("edge-faults-setup", {
          rps,
          checkEvery: checkEveryMs / 1000,
          victim: victim.name,
          killAt: killAt / 1000,
          restartAt: restartAt / 1000,
          endAt: endAt / 1000,
        }),
        "",
        "| requests sent | failed | failed idempotent | retried | time to eject | time to restore | p50 / p99 overall | p99 in the 5 s after the kill | victim's share in the last 10 s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        `| ${cells.join(" | ")} |`,
        "",
        fillTemplate("edge-faults-notes", { verdict: failed.length === 0 ? "met" : "NOT met" }),
        headlineComment({
          figure: `${failed.length} of ${samples.length} requests failed with one of three origins killed and restarted`,
          target: "no failed idempotent request",
          met: failed.length === 0,
        }),
      ].join("\n");
    } finally {
      await edge.stop();
      for (const origin of origins) await origin.kill().catch(() => undefined);
    }
  },
};

export default benchmark;

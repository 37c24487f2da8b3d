import { afterEach, describe, expect, it } from "vitest";
import { RedisEpochWatch } from "../../node-shared/redis-epoch.ts";
import type { Harness } from "../../test/scaler/scaler-harness.ts";
import { openHarness } from "../../test/scaler/scaler-harness.ts";
import { redisKeys } from "../../contracts/index.ts";
import { JOB_NAMES } from "./job-data.ts";
import { startScalerService } from "./scaler-service.ts";
import { scheduleKeeper } from "./schedule-keeper.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Deletes every key of this deployment, as a FLUSHALL would (the shared test Redis is never flushed). */
async function loseEverything(harness: Harness): Promise<void> {
  for (const pattern of [`${harness.test.prefix}*`, `bull:${harness.queueName}*`]) {
    let cursor = "0";
    do {
      const [next, keys] = await harness.test.redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await harness.test.redis.del(...keys);
    } while (cursor !== "0");
  }
}

describe("the scaler's schedule keeper", () => {
  it("installs the evaluation schedule again after Redis lost its data without a restart, and says so", async () => {
    h = await openHarness("scaler-keeper");
    const settings = { name: h.queueName, attempts: 4, backoffMs: 10, concurrency: 1, intervalSeconds: 30 };
    const { queue: _queue, ...ctx } = h.ctx;
    const service = await startScalerService(h.test.redis, settings, ctx, false);
    const lines: string[] = [];
    let ids = 0;
    const keeper = scheduleKeeper(
      new RedisEpochWatch(h.test.redis, redisKeys(h.test.prefix), {
        now: h.clock,
        newId: () => `epoch-000${++ids}`,
      }),
      () => service.installSchedule(),
      (level, line) => lines.push(`${level}: ${line}`),
    );
    await keeper.check();
    await keeper.check();
    expect(lines).toEqual([]);
    await loseEverything(h);
    expect(await h.queue.getJobSchedulers()).toEqual([]);
    await keeper.check();
    expect((await h.queue.getJobSchedulers()).map((s) => [s.name, s.every])).toEqual([
      [JOB_NAMES.evaluate, 30_000],
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: REDIS LOST ITS DATA: epoch epoch-0001 is gone \(epoch epoch-0002 began at /,
    );
    await service.close();
  });
});

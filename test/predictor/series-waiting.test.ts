import { afterEach, describe, expect, it } from "vitest";
import * as v from "valibot";
import type { SeriesWindow } from "../../contracts/index.ts";
import { seriesWindowSchema } from "../../contracts/index.ts";
import { apiRouter } from "../../predictor/api/routes.ts";
import { openPredictor } from "./predictor-context.ts";

type Predictor = Awaited<ReturnType<typeof openPredictor>>;
let predictor: Predictor | null = null;
afterEach(async () => {
  await predictor?.close();
  predictor = null;
});

describe("a series still gathering data before its first model", () => {
  it("says in /api/series and once in the log how many points it waits for and has", async () => {
    predictor = await openPredictor({ kinds: ["seasonal-naive"] });
    const { context, clock } = predictor;
    const lines: string[] = [];
    context.log = (line) => lines.push(line);
    const write = (from: number, count: number) =>
      context.series.write(
        Array.from({ length: count }, (_, i) => ({
          origin: "eu-1",
          metric: "rps" as const,
          t: clock() - (from + count - 1 - i) * 60_000,
          value: 100 + (i % 7),
        })),
        clock(),
      );
    const train = async (id: string) => {
      const done = predictor?.finished(id);
      await context.queue.add("train", { origin: "eu-1", metric: "rps" }, { jobId: id });
      return done;
    };
    const api = apiRouter({
      series: context.series,
      documents: context.documents,
      adminToken: null,
      now: clock,
      maxBodyBytes: 1024,
    });
    const shown = async (): Promise<SeriesWindow | undefined> => {
      const response = (await api.fetch(
        new Request("http://predictor/api/series?origin=eu-1&minutes=600"),
      )) as Response;
      const body = (await response.json()) as { series: unknown[] };
      return v.parse(v.array(seriesWindowSchema), body.series)[0];
    };

    // The test predictor forecasts 5 steps with --min-train-points 100: it needs max(100, 30).
    await write(0, 30);
    expect(await train("wait-1")).toMatchObject({ status: "completed", value: { status: "waiting" } });
    expect((await shown())?.waiting).toMatchObject({
      have: 30,
      need: 100,
      reason: "waiting for 100 points, have 30",
    });
    await write(30, 12);
    await train("wait-2");
    expect((await shown())?.waiting).toMatchObject({ have: 42, reason: "waiting for 100 points, have 42" });
    expect(lines.filter((line) => line.includes("no model yet"))).toEqual([
      "eu-1/rps has no model yet: waiting for 100 points, have 30 (a series trains after max(--min-train-points, 4 x horizon + 10) observed points)",
    ]);

    await write(42, 100);
    expect(await train("trained")).toMatchObject({ status: "completed", value: { status: "trained" } });
    const trained = await shown();
    expect(trained?.values.filter((x) => x !== null)).toHaveLength(142);
    expect(trained?.waiting).toBeUndefined();
  });
});

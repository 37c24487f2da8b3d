import type { EdgeRequest, EdgeWorker } from "./edge-worker.ts";

export type Answer = { status: number; origin: string | null; retryAfter: string | null; body: string };

/** Sends `count` requests, `concurrency` at a time; `shape(i)` gives request i. Answers come
 * back in request order. */
export async function sendMany(
  edge: EdgeWorker,
  count: number,
  concurrency: number,
  shape: (i: number) => EdgeRequest,
): Promise<Answer[]> {
  const answers: Answer[] = new Array<Answer>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const response = await edge.fetch(shape(i));
        answers[i] = {
          status: response.status,
          origin: response.headers.get("x-lb-origin"),
          retryAfter: response.headers.get("retry-after"),
          body: await response.text(),
        };
      }
    }),
  );
  return answers;
}

/** The share of answers served by each origin. */
export function sharesOf(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers)
    counts[answer.origin ?? "(edge)"] = (counts[answer.origin ?? "(edge)"] ?? 0) + 1;
  return Object.fromEntries(
    Object.entries(counts).map(([origin, count]) => [origin, count / answers.length]),
  );
}

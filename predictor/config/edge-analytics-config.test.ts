import { describe, expect, it } from "vitest";
import { loadEdgeAnalyticsConfig } from "./edge-analytics-config.ts";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TOKEN = "cf-token-0123456789abcdefghij";

describe("the edge-analytics source's settings", () => {
  it("are off without an account id and a token, and read with their defaults when both are set", () => {
    expect(loadEdgeAnalyticsConfig({})).toEqual({ ok: true, source: null });
    expect(
      loadEdgeAnalyticsConfig({
        PREDICTOR_EDGE_ANALYTICS_ACCOUNT_ID: ACCOUNT,
        PREDICTOR_EDGE_ANALYTICS_TOKEN: TOKEN,
      }),
    ).toEqual({
      ok: true,
      source: {
        apiUrl: "https://api.cloudflare.com/client/v4",
        accountId: ACCOUNT,
        dataset: "headroom_edge_requests",
        token: TOKEN,
        settleMs: 30_000,
        backfillMs: 86_400_000,
        timeoutMs: 15_000,
      },
    });
  });

  it("names every bad variable and never echoes the token", () => {
    const result = loadEdgeAnalyticsConfig({
      PREDICTOR_EDGE_ANALYTICS_ACCOUNT_ID: "my-account",
      PREDICTOR_EDGE_ANALYTICS_TOKEN: "secret!",
      PREDICTOR_EDGE_ANALYTICS_DATASET: "requests; DROP TABLE x",
      PREDICTOR_EDGE_ANALYTICS_API: "ftp://api",
      PREDICTOR_EDGE_ANALYTICS_SETTLE: "soon",
    });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues.map((i) => i.path)).toEqual([
      "PREDICTOR_EDGE_ANALYTICS_ACCOUNT_ID",
      "PREDICTOR_EDGE_ANALYTICS_TOKEN",
      "PREDICTOR_EDGE_ANALYTICS_DATASET",
      "PREDICTOR_EDGE_ANALYTICS_API",
      "PREDICTOR_EDGE_ANALYTICS_SETTLE",
    ]);
    expect(JSON.stringify(issues)).not.toContain("secret!");
    expect(issues[1]?.message).toContain("(got 7 characters)");
  });

  it("needs the token with the account id, and the account id with the token", () => {
    const onlyAccount = loadEdgeAnalyticsConfig({ PREDICTOR_EDGE_ANALYTICS_ACCOUNT_ID: ACCOUNT });
    expect(onlyAccount.ok ? [] : onlyAccount.issues.map((i) => i.path)).toEqual([
      "PREDICTOR_EDGE_ANALYTICS_TOKEN",
    ]);
    const onlyToken = loadEdgeAnalyticsConfig({ PREDICTOR_EDGE_ANALYTICS_TOKEN: TOKEN });
    expect(onlyToken.ok ? [] : onlyToken.issues.map((i) => i.path)).toEqual([
      "PREDICTOR_EDGE_ANALYTICS_ACCOUNT_ID",
    ]);
  });
});

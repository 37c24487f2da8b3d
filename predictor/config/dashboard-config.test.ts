import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

const issuesOf = (loaded: ReturnType<typeof loadConfig>) => (loaded.ok ? [] : loaded.issues);

describe("the dashboard's settings", () => {
  it("take the edge's URL and admin token together, and keep the forecast history a horizon ahead for two days by default", () => {
    const loaded = loadConfig(
      { edgeUrl: "http://127.0.0.1:8787/", edgeToken: "worker-admin-token-0123" },
      {},
    );
    expect(loaded).toMatchObject({
      ok: true,
      config: {
        edge: { url: "http://127.0.0.1:8787", token: "worker-admin-token-0123" },
        historyLeadSteps: 15,
        historyRetentionSeconds: 172_800,
      },
    });
    expect(loadConfig({}, {})).toMatchObject({ ok: true, config: { edge: null } });
  });

  it("refuse half an edge configuration, a URL with credentials and a short token, without ever echoing the token", () => {
    expect(issuesOf(loadConfig({ edgeToken: "worker-admin-token-0123" }, {})).map((i) => i.path)).toEqual([
      "--edge-url / PREDICTOR_EDGE_URL",
    ]);
    expect(
      issuesOf(loadConfig({}, { PREDICTOR_EDGE_URL: "http://127.0.0.1:8787" })).map((i) => i.path),
    ).toEqual(["--edge-token / PREDICTOR_EDGE_TOKEN"]);
    const issues = issuesOf(
      loadConfig({ edgeUrl: "http://user:pw@127.0.0.1:8787", edgeToken: "short-secret" }, {}),
    );
    expect(issues.map((i) => i.path)).toEqual([
      "--edge-url / PREDICTOR_EDGE_URL",
      "--edge-token / PREDICTOR_EDGE_TOKEN",
    ]);
    expect(JSON.stringify(issues)).not.toContain("short-secret");
    expect(
      issuesOf(loadConfig({ edgeUrl: "ftp://x", edgeToken: "worker-admin-token-0123" }, {}))[0]?.message,
    ).toMatch(/http\(s\) URL/);
  });

  it("read the history lead as steps or a duration within the horizon", () => {
    expect(loadConfig({ historyLead: "5m", step: "60s" }, {})).toMatchObject({
      ok: true,
      config: { historyLeadSteps: 5 },
    });
    expect(loadConfig({ historyLead: "3" }, {})).toMatchObject({ ok: true, config: { historyLeadSteps: 3 } });
    expect(issuesOf(loadConfig({ historyLead: "1h" }, {})).map((i) => i.path)).toEqual([
      "--history-lead / PREDICTOR_HISTORY_LEAD",
    ]);
    expect(issuesOf(loadConfig({ historyRetention: "10s" }, {})).map((i) => i.path)).toEqual([
      "--history-retention / PREDICTOR_HISTORY_RETENTION",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { parseDurationSeconds } from "./duration.ts";
import { parseTargetsFile } from "./targets-file.ts";

describe("loadConfig", () => {
  it("uses the documented defaults when nothing is set", () => {
    const loaded = loadConfig({}, {});
    expect(loaded).toMatchObject({
      ok: true,
      config: {
        redisUrl: "redis://127.0.0.1:6379",
        prefix: "lb",
        stepSeconds: 60,
        retentionSeconds: 14 * 86_400,
        horizonSteps: 15,
        port: 8090,
        adminToken: null,
        retrainIntervalSeconds: 21_600,
        roles: { api: true, worker: true, scheduler: true },
      },
    });
  });

  it("lets flags win over environment variables", () => {
    const loaded = loadConfig(
      { step: "10s", horizon: "2m" },
      { PREDICTOR_STEP: "5m", PREDICTOR_PORT: "9000" },
    );
    expect(loaded).toMatchObject({ ok: true, config: { stepSeconds: 10, horizonSteps: 12, port: 9000 } });
  });

  it("names every bad field by its flag and variable", () => {
    const loaded = loadConfig(
      { step: "soon" },
      {
        PREDICTOR_PORT: "99999",
        PREDICTOR_ADMIN_TOKEN: "short",
        PREDICTOR_ROLES: "api,cook",
        REDIS_URL: "http://x",
        PREDICTOR_TF_BACKEND: "gpu",
      },
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.issues.map((i) => i.path).sort()).toEqual([
      "--admin-token / PREDICTOR_ADMIN_TOKEN",
      "--backend / PREDICTOR_TF_BACKEND",
      "--port / PREDICTOR_PORT",
      "--redis / REDIS_URL",
      "--roles / PREDICTOR_ROLES",
      "--step / PREDICTOR_STEP",
    ]);
    expect(loaded.issues.find((i) => i.path.startsWith("--port"))?.message).toMatch(
      /from 0 to 65535 \(got "99999"\)/,
    );
  });

  it("refuses a retention shorter than ten steps", () => {
    const loaded = loadConfig({ step: "1h", retention: "5h" }, {});
    expect(loaded.ok ? [] : loaded.issues.map((i) => i.path)).toEqual(["--retention / PREDICTOR_RETENTION"]);
  });

  it("restricts the model kinds and the LSTM's epochs when asked, and refuses unknown kinds", () => {
    expect(loadConfig({}, {})).toMatchObject({ ok: true, config: { models: null, lstmEpochs: null } });
    expect(
      loadConfig({ models: "seasonal-naive, holt-winters" }, { PREDICTOR_LSTM_EPOCHS: "8" }),
    ).toMatchObject({ ok: true, config: { models: ["seasonal-naive", "holt-winters"], lstmEpochs: 8 } });
    const bad = loadConfig({ models: "lstm,arima", lstmEpochs: "0" }, {});
    expect(bad.ok ? [] : bad.issues.map((i) => i.path).sort()).toEqual([
      "--lstm-epochs / PREDICTOR_LSTM_EPOCHS",
      "--models / PREDICTOR_MODELS",
    ]);
  });

  it("runs the LSTM lane only with the LSTM among the models, for known metrics", () => {
    expect(loadConfig({}, {})).toMatchObject({
      ok: true,
      config: { lstmMetrics: [], roles: { lstm: false } },
    });
    expect(loadConfig({ roles: "lstm", lstmMetrics: "rps, cpu" }, {})).toMatchObject({
      ok: true,
      config: {
        lstmMetrics: ["rps", "cpu"],
        roles: { api: false, worker: false, scheduler: false, lstm: true },
      },
    });
    const paths = (flags: Parameters<typeof loadConfig>[0]) => {
      const loaded = loadConfig(flags, {});
      return loaded.ok ? [] : loaded.issues.map((i) => i.path);
    };
    expect(paths({ lstmMetrics: "rps,load" })).toEqual(["--lstm-metrics / PREDICTOR_LSTM_METRICS"]);
    expect(paths({ lstmMetrics: "rps", models: "holt-winters" })).toEqual(["--models / PREDICTOR_MODELS"]);
    expect(paths({ roles: "lstm", models: "seasonal-naive" })).toEqual(["--models / PREDICTOR_MODELS"]);
    expect(paths({ lstmMetrics: "rps", models: "lstm" })).toEqual(["--models / PREDICTOR_MODELS"]);
  });
});

describe("parseDurationSeconds", () => {
  it("reads units and plain seconds", () => {
    expect([
      parseDurationSeconds("90"),
      parseDurationSeconds("15m"),
      parseDurationSeconds("6h"),
      parseDurationSeconds("2w"),
      parseDurationSeconds("1.5d"),
    ]).toEqual([90, 900, 21_600, 1_209_600, 129_600]);
    expect(parseDurationSeconds("soon")).toBeNull();
  });
});

describe("parseTargetsFile", () => {
  it("reads scrape targets and a Prometheus source from YAML", () => {
    const parsed = parseTargetsFile(`
scrapeTimeoutSeconds: 3
targets:
  - { url: "http://127.0.0.1:9101/metrics", origin: eu-1 }
  - { url: "https://us.example.com/metrics", origin: us-1, timeoutSeconds: 1, headers: { authorization: "Bearer t" } }
prometheus:
  url: http://prometheus:9090
  series:
    - { origin: eu-1, metric: p95_ms, query: "histogram_quantile(0.95, sum by (le) (rate(x_bucket[1m]))) * 1000" }
`);
    expect(parsed).toMatchObject({
      ok: true,
      targets: [
        { origin: "eu-1", timeoutMs: 3000 },
        { origin: "us-1", timeoutMs: 1000, headers: { authorization: "Bearer t" } },
      ],
      prometheus: {
        url: "http://prometheus:9090",
        timeoutMs: 10_000,
        series: [{ origin: "eu-1", metric: "p95_ms" }],
      },
    });
  });

  it("names each bad entry", () => {
    const parsed = parseTargetsFile(
      `targets:\n  - { url: "ftp://x", origin: eu-1 }\n  - { url: "http://a/metrics", origin: "EU 2" }\n`,
    );
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.path)).toEqual([
      "targets[0].url",
      "targets[1].origin",
    ]);
    const duplicate = parseTargetsFile(
      `targets:\n  - { url: "http://a/m", origin: eu-1 }\n  - { url: "http://b/m", origin: eu-1 }\n`,
    );
    expect(duplicate.ok ? [] : duplicate.issues).toEqual([
      {
        path: "targets[1].origin",
        message:
          "has a target already: each origin has one, its aggregated metrics endpoint (also targets[0])",
      },
    ]);
    const together = parseTargetsFile(
      `targets:\n  - { url: "http://a/m", origin: eu-1 }\n  - { url: "ftp://b", origin: eu-2, timeout: 3 }\n  - { url: "http://c/m", origin: eu-1 }\n` +
        `prometheus:\n  url: http://p:9090\n  series:\n    - { origin: eu-1, metric: rps, query: "sum(a)" }\n    - { origin: eu-1, metric: rps, query: "sum(b)" }\n    - { origin: eu-1, metric: p95_ms, query: "q" }\n`,
    );
    expect(together.ok ? [] : together.issues.map((i) => i.path)).toEqual([
      "targets[1].url",
      "targets[1].timeout",
      "targets[2].origin",
      "prometheus.series[1].metric",
    ]);
    expect(parseTargetsFile("targets: [").ok).toBe(false);
  });
});

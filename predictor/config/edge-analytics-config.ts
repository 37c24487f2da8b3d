import { ANALYTICS_DATASET_NAME, DEFAULT_ANALYTICS_DATASET } from "../../contracts/edge-analytics.ts";
import type { ValidationIssue } from "../../contracts/validation.ts";
import type { EdgeAnalyticsSource } from "../sources/edge-analytics-service.ts";
import { parseDurationSeconds } from "./duration.ts";

/** The `edge-analytics` source's settings: environment variables only, since the token is a
 * secret that must not appear in a process list. Set the account id and the token to turn the
 * source on. */
export const EDGE_ANALYTICS_SETTINGS = {
  accountId: {
    env: "PREDICTOR_EDGE_ANALYTICS_ACCOUNT_ID",
    fallback: "",
    help: "Cloudflare account id (32 hex digits) whose Analytics Engine holds the edge's dataset; with the token, turns the edge-analytics source on",
  },
  token: {
    env: "PREDICTOR_EDGE_ANALYTICS_TOKEN",
    fallback: "",
    help: 'Cloudflare API token allowed "Account Analytics: Read" on that account (secret)',
  },
  dataset: {
    env: "PREDICTOR_EDGE_ANALYTICS_DATASET",
    fallback: DEFAULT_ANALYTICS_DATASET,
    help: "the dataset the Worker writes (wrangler.toml analytics_engine_datasets; deploy:edge checks they match)",
  },
  apiUrl: {
    env: "PREDICTOR_EDGE_ANALYTICS_API",
    fallback: "https://api.cloudflare.com/client/v4",
    help: "the Cloudflare API base URL",
  },
  settle: {
    env: "PREDICTOR_EDGE_ANALYTICS_SETTLE",
    fallback: "30s",
    help: "how long after a step ends it is read (Analytics Engine's ingestion delay); later points are re-read",
  },
  backfill: {
    env: "PREDICTOR_EDGE_ANALYTICS_BACKFILL",
    fallback: "1d",
    help: "how far back a predictor process reads when it starts (capped by the series retention)",
  },
  timeout: {
    env: "PREDICTOR_EDGE_ANALYTICS_TIMEOUT",
    fallback: "15s",
    help: "how long one SQL query may take",
  },
} as const;

type Name = keyof typeof EDGE_ANALYTICS_SETTINGS;

/**
 * Reads the source's settings from the environment: null when neither the account id nor the
 * token is set (the source is off), else every problem with the variable that has it. The
 * token's value is never part of a message.
 */
export function loadEdgeAnalyticsConfig(
  env: Record<string, string | undefined>,
): { ok: true; source: EdgeAnalyticsSource | null } | { ok: false; issues: ValidationIssue[] } {
  const raw = (name: Name) =>
    (env[EDGE_ANALYTICS_SETTINGS[name].env] ?? EDGE_ANALYTICS_SETTINGS[name].fallback).trim();
  const issues: ValidationIssue[] = [];
  const fail = (name: Name, message: string) => {
    const shown = name === "token" ? `${raw(name).length} characters` : JSON.stringify(raw(name));
    issues.push({ path: EDGE_ANALYTICS_SETTINGS[name].env, message: `${message} (got ${shown})` });
  };
  const accountId = raw("accountId");
  const token = raw("token");
  if (accountId === "" && token === "") return { ok: true, source: null };
  if (!/^[0-9a-f]{32}$/.test(accountId))
    fail("accountId", "must be the 32 hex digits of a Cloudflare account id (set with the token)");
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token))
    fail(
      "token",
      "must be a Cloudflare API token (20 or more letters, digits, '_' or '-'; set with the account id)",
    );
  const dataset = raw("dataset");
  if (!ANALYTICS_DATASET_NAME.test(dataset))
    fail(
      "dataset",
      "must be an Analytics Engine dataset name: a letter or '_', then letters, digits or '_' (at most 64)",
    );
  const apiUrl = raw("apiUrl").replace(/\/+$/, "");
  const url = URL.parse(apiUrl);
  if (
    url === null ||
    !["http:", "https:"].includes(url.protocol) ||
    url.username !== "" ||
    url.password !== ""
  )
    fail("apiUrl", "must be an http(s) URL without credentials, like https://api.cloudflare.com/client/v4");
  const duration = (name: Name, min: number, max: number) => {
    const seconds = parseDurationSeconds(raw(name));
    if (seconds === null || seconds < min || seconds > max)
      fail(name, `must be a duration from ${min} s to ${max} s, like 30s, 15m or 1d`);
    return (seconds ?? min) * 1000;
  };
  const source: EdgeAnalyticsSource = {
    apiUrl,
    accountId,
    dataset,
    token,
    settleMs: duration("settle", 0, 3_600),
    backfillMs: duration("backfill", 0, 90 * 86_400),
    timeoutMs: duration("timeout", 1, 300),
  };
  return issues.length > 0 ? { ok: false, issues } : { ok: true, source };
}

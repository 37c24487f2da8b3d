// Writes deploy/kubernetes/base/prometheus-rule.yaml from docs/alerts.yml, so the cluster's
// PrometheusRule carries the same rules as the rule file (a test fails when they differ):
//   npx tsx infra/tools/prometheus-rule.ts
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse, stringify } from "yaml";

const root = path.resolve(import.meta.dirname, "../..");
/** Where the generated PrometheusRule goes. */
export const PROMETHEUS_RULE_FILE = "deploy/kubernetes/base/prometheus-rule.yaml";

const alerts = parse(await readFile(path.join(root, "docs/alerts.yml"), "utf8")) as { groups: unknown[] };
const rule = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: { name: "headroom", namespace: "headroom", labels: { "app.kubernetes.io/part-of": "headroom" } },
  spec: { groups: alerts.groups },
};
await writeFile(
  path.join(root, PROMETHEUS_RULE_FILE),
  `# Generated from docs/alerts.yml by infra/tools/prometheus-rule.ts: edit that file, then rerun.\n${stringify(rule, { lineWidth: 0 })}`,
);

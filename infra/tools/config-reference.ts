// docs/configuration.md, built from the settings definitions in the code: every setting of every
// part in one reference. `npm run docs:config` writes it; a test fails when the file differs.
import path from "node:path";
import * as wrangler from "wrangler";
import { RESILIENCE_DEFAULTS, resilienceSchema } from "../../contracts/resilience.ts";
import { RESILIENCE_FIELDS } from "../../contracts/resilience-fields.ts";
import { EDGE_VARS } from "../../edge/edge-vars.ts";
import { SETTINGS as PREDICTOR_SETTINGS, shownDefault } from "../../predictor/config/config.ts";
import { EDGE_ANALYTICS_SETTINGS } from "../../predictor/config/edge-analytics-config.ts";
import { SCALER_SETTINGS } from "../../scaler/cli/scaler-settings.ts";
import { simulateHelpRows } from "../../scaler/cli/simulate-options.ts";
import { SCALER_FILE_FIELDS } from "../../scaler/config/config-fields.ts";
import { RETIRED_ORIGIN_FIELDS, RETIRED_POLICY_FIELDS } from "../../scaler/config/retired-fields.ts";
import { partialScalingSchema, scalerFileSchema } from "../../scaler/config/config-schema.ts";
import { DEFAULT_TUNING } from "../../scaler/policy/types.ts";
import { CLI_SETTINGS } from "../stack/cli-settings.ts";
import { backtestHelpRows } from "../../predictor/cli/backtest-options.ts";
import { BENCH_OPTIONS } from "../bench/bench-options.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** A field of a document schema: its dotted path and the schema's default, if it has one. */
type SchemaField = { path: string; default?: unknown };

type SchemaNode = {
  type: string;
  entries?: Record<string, SchemaNode>;
  wrapped?: SchemaNode;
  default?: unknown;
};

/** The fields of a valibot object schema, through `optional` wrappers; `whole(path)` keeps a
 * nested object as one field instead of listing its own. */
export function schemaFields(schema: unknown, whole: (path: string) => boolean, prefix = ""): SchemaField[] {
  const node = schema as SchemaNode;
  const out: SchemaField[] = [];
  for (const [key, entry] of Object.entries(node.entries ?? {})) {
    const at = prefix === "" ? key : `${prefix}.${key}`;
    const inner = entry.type === "optional" && entry.wrapped ? entry.wrapped : entry;
    const fallback = entry.type === "optional" ? entry.default : undefined;
    if (inner.entries && !whole(at)) out.push(...schemaFields(inner, whole, at));
    else out.push({ path: at, ...(fallback !== undefined ? { default: fallback } : {}) });
  }
  return out;
}

/** The value at a dotted path of a plain object, when it is a number, string or boolean. */
function valueAt(object: unknown, dotted: string): string | undefined {
  let at: unknown = object;
  for (const key of dotted.split(".")) at = (at as Record<string, unknown> | undefined)?.[key];
  return typeof at === "number" || typeof at === "string" || typeof at === "boolean" ? String(at) : undefined;
}

const code = (text: string) => `\`${text.replaceAll("|", "\\|")}\``;
const cell = (text: string) => text.replaceAll("|", "\\|");
function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`]
    .concat(rows.map((row) => `| ${row.join(" | ")} |`))
    .join("\n");
}

/** Fields of a schema lacking a row in their table: the generator refuses to leave them out. */
function undocumented(fields: SchemaField[], rows: Readonly<Record<string, unknown>>, where: string): void {
  const missing = fields.filter((f) => !(f.path in rows)).map((f) => f.path);
  if (missing.length > 0)
    throw new Error(`${where} has no row for ${missing.join(", ")}: add what each means there`);
}

function edgeVars(): string {
  type Vars = { vars?: Record<string, unknown>; env?: Record<string, { vars?: Record<string, unknown> }> };
  const read = (
    wrangler as unknown as { experimental_readRawConfig: (args: { config: string }) => { rawConfig: Vars } }
  ).experimental_readRawConfig;
  const { rawConfig } = read({ config: path.join(root, "wrangler.toml") });
  const shown = (value: unknown) => (value === undefined ? "unset" : code(JSON.stringify(value)));
  const rows = EDGE_VARS.map((v) =>
    v.secret
      ? [code(v.name), "secret", "none", "none", cell(v.help)]
      : [
          code(v.name),
          "var",
          shown(rawConfig.vars?.[v.name]),
          shown(rawConfig.env?.dev?.vars?.[v.name]),
          cell(v.help),
        ],
  );
  return table(["name", "kind", "top level (production)", "`[env.dev]`", "meaning"], rows);
}

function resilience(): string {
  const fields = schemaFields(resilienceSchema, (p) => p in RESILIENCE_FIELDS);
  undocumented(fields, RESILIENCE_FIELDS, "contracts/resilience-fields.ts");
  const rows = fields.map((f) => {
    const row = RESILIENCE_FIELDS[f.path];
    const fallback = row?.default ?? valueAt(RESILIENCE_DEFAULTS, f.path) ?? "none";
    return [code(f.path), cell(fallback), cell(row?.help ?? "")];
  });
  return table(["`resilience` field", "default", "meaning"], rows);
}

function predictor(): string {
  const rows = Object.values(PREDICTOR_SETTINGS).map((s) => [
    code(`--${s.flag}`),
    code(s.env),
    cell(shownDefault(s)),
    cell(s.help),
  ]);
  return table(["flag", "variable", "default", "meaning"], rows);
}

function edgeAnalytics(): string {
  const rows = Object.values(EDGE_ANALYTICS_SETTINGS).map((s) => [
    code(s.env),
    cell(s.fallback === "" ? "none" : s.fallback),
    cell(s.help),
  ]);
  return table(["variable", "default", "meaning"], rows);
}

function scalerProcess(): string {
  const rows = SCALER_SETTINGS.map((s) => [
    s.flag ? code(`--${s.flag}${s.meta ? ` ${s.meta}` : ""}`) : "",
    code(s.env),
    cell(s.default),
    cell(s.help),
  ]);
  return table(["flag", "variable", "default", "meaning"], rows);
}

function scalerFile(): string {
  const whole = (p: string) => p === "weights" || p === "defaults";
  const fields = [
    ...schemaFields(scalerFileSchema, whole).filter((f) => f.path !== "origins"),
    ...schemaFields(partialScalingSchema, () => false, "origins.<id>"),
  ];
  undocumented(fields, SCALER_FILE_FIELDS, "scaler/config/config-fields.ts");
  const rows = fields.map((f) => {
    const row = SCALER_FILE_FIELDS[f.path];
    const fromSchema = typeof f.default === "object" ? undefined : valueAt({ v: f.default }, "v");
    const fromTuning = f.path.startsWith("policy.") ? valueAt(DEFAULT_TUNING, f.path.slice(7)) : undefined;
    return [code(f.path), cell(row?.default ?? fromSchema ?? fromTuning ?? "none"), cell(row?.help ?? "")];
  });
  return table(["field", "default", "meaning"], rows);
}

/** The fields the file no longer takes, as prose. */
function retiredFields(): string {
  const names = [
    ...Object.keys(RETIRED_POLICY_FIELDS).map((f) => code(`policy.${f}`)),
    ...Object.keys(RETIRED_ORIGIN_FIELDS).map((f) => code(`origins.<id>.${f}`)),
  ];
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1) ?? ""}`;
}

function localStack(): string {
  const rows = CLI_SETTINGS.map((s) => [
    code(`--${s.flag}${s.meta ? ` ${s.meta}` : ""}`),
    code(s.env),
    cell(s.default),
    cell(s.help),
  ]);
  return table(["flag", "variable", "default", "meaning"], rows);
}

const options = (rows: readonly (readonly [string, string])[]) =>
  table(
    ["option", "meaning"],
    rows.map(([flag, meaning]) => [code(flag), cell(meaning)]),
  );

/** The whole of docs/configuration.md. */
export function configurationReference(): string {
  return `# Configuration

Every setting of every part, generated from the settings definitions in the code by
\`npm run docs:config\`; a test fails when this file differs from what the code defines. Do not edit
it by hand: change the definition named in each section and run the command again.

Flags win over environment variables wherever a part takes both. Durations take \`s\`, \`m\`, \`h\`,
\`d\` (and \`w\` for the predictor): \`90s\`, \`2h\`.

## Edge: vars and secrets

The Worker's vars are set in \`wrangler.toml\` (\`[vars]\` for production, \`[env.dev.vars]\` for
\`wrangler dev --env dev\` and \`npm start\`); a var that is neither \`"true"\` nor \`"false"\` is
reported and read as \`"false"\`. Defined in \`edge/edge-vars.ts\`. See [edge.md](edge.md).

${edgeVars()}

## Edge: the origin table's resilience block

The optional \`resilience\` block of the origin table ([edge.md](edge.md#the-origin-table)); every
field is optional. Defined in \`contracts/resilience.ts\` (schema and defaults) and
\`contracts/resilience-fields.ts\` (meanings). See [resilience.md](resilience.md).

${resilience()}

## Predictor: flags and environment variables

\`npx tsx predictor/main.ts [flags]\`. Every value is checked at start; each bad one is named with its
flag and variable (exit 2). Defined in \`predictor/config/config.ts\`. See [predictor.md](predictor.md).

${predictor()}

## Predictor: the edge-analytics source

Environment variables only (the token is a secret). Set the account id and the token to read the
edge's Analytics Engine dataset; each bad value is named (exit 2), the token never shown. Defined in
\`predictor/config/edge-analytics-config.ts\`. See [predictor.md](predictor.md#edge-analytics).

${edgeAnalytics()}

## Scaler: flags and environment variables

\`npx tsx scaler/main.ts --config FILE\`, plus the secrets the file's \`tokenEnv\` and \`secretEnv\` fields
name. Defined in \`scaler/cli/scaler-settings.ts\`. See [scaler.md](scaler.md).

${scalerProcess()}

## Scaler: configuration file

YAML or JSON, validated at start with every problem listed (exit 2);
[\`scaler/scaler.example.yaml\`](../scaler/scaler.example.yaml) shows every field. Defined in
\`scaler/config/config-schema.ts\` (schema and defaults) and \`scaler/config/config-fields.ts\`
(meanings). The policy fields are explained in [scaling-policy.md](scaling-policy.md); how the
policy trades violations for spend is each pool's SLO's to state
([the one trade-off](scaling-policy.md#the-one-trade-off)). A file that still sets ${retiredFields()}
fails, naming the field and where its job went.

${scalerFile()}

## Local stack: npm start

\`npm start -- [flags]\`. Defined in \`infra/stack/cli-settings.ts\`. See [local-stack.md](local-stack.md).

${localStack()}

## Replay: npm run simulate

\`npm run -s simulate -- --csv FILE --policy NAME [options]\`. Defined in
\`scaler/cli/simulate-options.ts\`. See [scaling-policy.md](scaling-policy.md#replaying-a-trace-npm-run-simulate).

${options(simulateHelpRows())}

## Backtest: npm run backtest

\`npm run -s backtest -- --csv FILE [options]\`. Defined in \`predictor/cli/backtest-options.ts\`. See
[forecasting.md](forecasting.md#npm-run-backtest).

${options(backtestHelpRows())}

## Benchmarks: npm run bench

\`npm run bench -- [options]\`. Defined in \`infra/bench/bench-options.ts\`. Results go to
[BENCHMARKS.md](../BENCHMARKS.md).

${options(BENCH_OPTIONS.map((o) => [o.flag, o.help] as const))}
`;
}

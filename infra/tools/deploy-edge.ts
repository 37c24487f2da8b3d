// `npm run deploy:edge [-- --dry-run | other wrangler deploy options]`: checks the deployed
// configuration of wrangler.toml for what would fail only after the upload, or deploy something
// unsafe, then runs `wrangler deploy` for it (the top-level configuration unless --env names one).
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import * as wrangler from "wrangler";
import { DEFAULT_ANALYTICS_DATASET } from "../../contracts/edge-analytics.ts";

const root = path.resolve(import.meta.dirname, "../..");

// Wrangler's own reader of wrangler.toml/json/jsonc, as `wrangler deploy` reads it (its declared
// types reach into modules the linter cannot resolve, hence the narrow signature).
const readRawConfig = (
  wrangler as unknown as {
    experimental_readRawConfig: (args: { config: string }) => {
      rawConfig: Section & { env?: Record<string, Section> };
    };
  }
).experimental_readRawConfig;

/** One problem of the configuration about to be deployed. */
export type DeployProblem = { field: string; message: string };

type Section = {
  kv_namespaces?: { binding?: string; id?: string }[];
  vars?: Record<string, unknown>;
  triggers?: { crons?: string[] };
  analytics_engine_datasets?: { binding?: string; dataset?: string }[];
  ratelimits?: { name?: string; namespace_id?: unknown; simple?: { limit?: unknown; period?: unknown } }[];
  unsafe?: { bindings?: { name?: string; type?: string; namespace_id?: unknown; simple?: unknown }[] };
};

/** What the predictor's edge-analytics source reads: PREDICTOR_EDGE_ANALYTICS_DATASET, as set for
 * the predictor's deployment, or --predictor-dataset; the predictor's default otherwise. */
export function predictorDataset(flag: string | undefined, env: Record<string, string | undefined>): string {
  return flag ?? env.PREDICTOR_EDGE_ANALYTICS_DATASET ?? DEFAULT_ANALYTICS_DATASET;
}

/** The fleet-wide bindings: the ANALYTICS dataset the predictor reads, and the RATE_LIMITER. */
function bindingProblems(section: Section, dataset: string): DeployProblem[] {
  const problems: DeployProblem[] = [];
  const analytics = (section.analytics_engine_datasets ?? []).find((entry) => entry.binding === "ANALYTICS");
  if (!analytics)
    problems.push({
      field: "analytics_engine_datasets",
      message:
        'has no binding "ANALYTICS": without it the edge reports nothing fleet-wide and the predictor\'s edge-analytics source reads nothing',
    });
  else if ((analytics.dataset ?? "ANALYTICS") !== dataset)
    problems.push({
      field: "analytics_engine_datasets.ANALYTICS.dataset",
      message: `is ${JSON.stringify(analytics.dataset ?? "ANALYTICS")}, but the predictor reads ${JSON.stringify(dataset)} (PREDICTOR_EDGE_ANALYTICS_DATASET or --predictor-dataset): make them the same`,
    });
  const limiter =
    (section.ratelimits ?? []).find((entry) => entry.name === "RATE_LIMITER") ??
    (section.unsafe?.bindings ?? []).find(
      (entry) => entry.name === "RATE_LIMITER" && entry.type === "ratelimit",
    );
  if (!limiter)
    problems.push({
      field: "ratelimits",
      message:
        'has no binding "RATE_LIMITER": the table\'s rate limit would be a token bucket per isolate, a multiple of the limit across the fleet',
    });
  else {
    const simple = (limiter.simple ?? {}) as { limit?: unknown; period?: unknown };
    const namespace = limiter.namespace_id;
    const numeric =
      (typeof namespace === "string" && /^\d+$/.test(namespace)) ||
      (typeof namespace === "number" && Number.isInteger(namespace) && namespace >= 0);
    if (!numeric)
      problems.push({
        field: "ratelimits.RATE_LIMITER.namespace_id",
        message: "must be a whole number (unique in your account)",
      });
    if (typeof simple.limit !== "number" || !Number.isInteger(simple.limit) || simple.limit < 1)
      problems.push({
        field: "ratelimits.RATE_LIMITER.simple.limit",
        message: "must be a whole number of requests, at least 1",
      });
    if (simple.period !== 10 && simple.period !== 60)
      problems.push({
        field: "ratelimits.RATE_LIMITER.simple.period",
        message: "must be 10 or 60 (seconds), the periods the binding offers",
      });
  }
  return problems;
}

/** What is wrong with the section of wrangler.toml that `wrangler deploy --env <env>` ships;
 * `dataset` is the one the predictor's edge-analytics source reads. */
export function deployProblems(
  section: Section,
  dataset: string = DEFAULT_ANALYTICS_DATASET,
): DeployProblem[] {
  const problems: DeployProblem[] = [];
  const origins = (section.kv_namespaces ?? []).find((namespace) => namespace.binding === "ORIGINS");
  if (!origins)
    problems.push({
      field: "kv_namespaces",
      message: 'has no binding "ORIGINS": the Worker reads its origin table, weights and health from it',
    });
  else if (!/^[0-9a-f]{32}$/.test(origins.id ?? "") || /^0+$/.test(origins.id ?? "")) {
    problems.push({
      field: "kv_namespaces.ORIGINS.id",
      message: `is ${JSON.stringify(origins.id ?? "")}, not a namespace of your account: run \`npx wrangler kv namespace create ORIGINS\` and put the id it prints here`,
    });
  }
  const vars = section.vars ?? {};
  if (vars.TEST_HOOKS === "true")
    problems.push({
      field: "vars.TEST_HOOKS",
      message:
        'is "true": any client could set the Worker\'s clock and seed its randomness; it is for automated tests only',
    });
  if (vars.TRUST_GEO_HEADER === "true")
    problems.push({
      field: "vars.TRUST_GEO_HEADER",
      message:
        'is "true": clients could choose their own pool with x-lb-geo; a deployed Worker reads request.cf',
    });
  if ((section.triggers?.crons ?? []).length === 0)
    problems.push({
      field: "triggers.crons",
      message:
        "is empty: without the cron trigger no active health check runs (the shipped wrangler.toml runs one every minute)",
    });
  problems.push(...bindingProblems(section, dataset));
  return problems;
}

const USAGE = `usage: npm run deploy:edge -- [--env NAME] [--config FILE] [--dry-run --outdir DIR] [other wrangler deploy options]

Checks the configuration wrangler.toml (or --config FILE) deploys (the top-level one unless --env names another):
the ORIGINS KV namespace id must be one of your account's, TEST_HOOKS and TRUST_GEO_HEADER must
not be "true", the cron trigger must be there, the ANALYTICS dataset binding must name the dataset
the predictor reads (PREDICTOR_EDGE_ANALYTICS_DATASET, or --predictor-dataset NAME; default
headroom_edge_requests) and the RATE_LIMITER binding must be there. Any problem stops a deployment (exit 2) before
anything is uploaded; with --dry-run they are warnings and the Worker is only bundled.
`;

function main(): void {
  const { values, tokens } = parseArgs({
    options: {
      env: { type: "string", short: "e" },
      config: { type: "string", short: "c" },
      "dry-run": { type: "boolean" },
      "predictor-dataset": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: false,
    tokens: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const env = typeof values.env === "string" ? values.env : "";
  const dryRun = values["dry-run"] === true;
  const file =
    typeof values.config === "string" ? path.resolve(values.config) : path.join(root, "wrangler.toml");
  const { rawConfig } = readRawConfig({ config: file });
  const name = path.relative(process.cwd(), file) || file;
  const environments = rawConfig.env ?? {};
  const section = env === "" ? rawConfig : environments[env];
  if (!section) {
    process.stderr.write(
      `deploy:edge: ${name} has no [env.${env}] (it has: ${Object.keys(environments).join(", ") || "none"})\n`,
    );
    process.exit(2);
  }
  const where = env === "" ? `${name} (top level)` : `${name} [env.${env}]`;
  const dataset = predictorDataset(
    typeof values["predictor-dataset"] === "string" ? values["predictor-dataset"] : undefined,
    process.env,
  );
  const problems = deployProblems(section, dataset);
  for (const problem of problems)
    process.stderr.write(
      `deploy:edge: ${dryRun ? "warning: " : ""}${where} ${problem.field} ${problem.message}\n`,
    );
  if (!dryRun && problems.length > 0) {
    process.stderr.write(
      "deploy:edge: nothing was deployed; fix the configuration above (or bundle only, with --dry-run)\n",
    );
    process.exit(2);
  }
  // Everything but --env and --predictor-dataset goes to wrangler as typed; --env "" picks the
  // top level explicitly.
  const passed = tokens.flatMap((token) =>
    token.kind === "option" && (token.name === "env" || token.name === "predictor-dataset")
      ? []
      : token.kind === "option"
        ? [token.rawName, ...(token.value !== undefined ? [token.value] : [])]
        : token.kind === "positional"
          ? [token.value]
          : [],
  );
  const wrangler = path.join(root, "node_modules/wrangler/bin/wrangler.js");
  const child = spawn(process.execPath, [wrangler, "deploy", `--env=${env}`, ...passed], {
    cwd: root,
    stdio: "inherit",
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  try {
    main();
  } catch (error) {
    // Wrangler's ParseError says where: the file, the line and the column.
    const where = (error as { location?: { file?: string; line?: number; column?: number } }).location;
    const at =
      where?.file !== undefined && where.line !== undefined
        ? `${path.relative(process.cwd(), where.file) || where.file}:${where.line}:${(where.column ?? 0) + 1}: `
        : "";
    process.stderr.write(`deploy:edge: ${at}${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

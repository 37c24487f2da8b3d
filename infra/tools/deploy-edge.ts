// `npm run deploy:edge [-- --dry-run | other wrangler deploy options]`: checks the deployed
// configuration of wrangler.toml for what would fail only after the upload, or deploy something
// unsafe, then runs `wrangler deploy` for it (the top-level configuration unless --env names one).
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import * as wrangler from "wrangler";

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
};

/** What is wrong with the section of wrangler.toml that `wrangler deploy --env <env>` ships. */
export function deployProblems(section: Section): DeployProblem[] {
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
        "is empty: without the cron trigger no active health check runs (the README's wrangler.toml runs one every minute)",
    });
  return problems;
}

const USAGE = `usage: npm run deploy:edge -- [--env NAME] [--config FILE] [--dry-run --outdir DIR] [other wrangler deploy options]

Checks the configuration wrangler.toml (or --config FILE) deploys (the top-level one unless --env names another):
the ORIGINS KV namespace id must be one of your account's, TEST_HOOKS and TRUST_GEO_HEADER must
not be "true", the cron trigger must be there. Any problem stops a deployment (exit 2) before
anything is uploaded; with --dry-run they are warnings and the Worker is only bundled.
`;

function main(): void {
  const { values, tokens } = parseArgs({
    options: {
      env: { type: "string", short: "e" },
      config: { type: "string", short: "c" },
      "dry-run": { type: "boolean" },
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
  const problems = deployProblems(section);
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
  // Everything but --env goes to wrangler as typed; --env "" picks the top level explicitly.
  const passed = tokens.flatMap((token) =>
    token.kind === "option" && token.name === "env"
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

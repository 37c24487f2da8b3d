import type { ValidationIssue } from "../../contracts/index.ts";

/** A command-line mistake: printed without a stack trace, exit status 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** Reads a numeric flag; undefined when absent, a CliError naming the flag when not a number. */
export function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new CliError(`--${flag}: "${text}" is not a number`);
  return value;
}

/** Reads a date flag (ISO-8601 or epoch ms) into epoch ms. */
export function dateFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value))
    throw new CliError(`--${flag}: "${text}" is not a date (ISO-8601, e.g. 2026-01-05T00:00:00Z)`);
  return value;
}

/** Turns validation issues into one CliError that names flags instead of option paths. */
export function issuesAsCliError(
  issues: readonly ValidationIssue[],
  flagOf: Readonly<Record<string, string>>,
): CliError {
  const lines = issues.map((issue) => {
    const flag = flagOf[issue.path] ?? flagOf[issue.path.split(/[.[]/)[0] ?? ""];
    return flag === undefined
      ? `${issue.path || "(options)"}: ${issue.message}`
      : `--${flag}: ${issue.message}`;
  });
  return new CliError(lines.join("\n"));
}

/** Drops undefined entries so schema defaults apply to every flag left out. */
export function definedOnly<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Runs a CLI's main function: a CliError prints its message and exits 2; anything else is a bug
 * or an I/O failure and prints its stack, exit 1. */
export function runCli(name: string, main: () => void | Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      const parseArgsError =
        error instanceof TypeError &&
        "code" in error &&
        typeof error.code === "string" &&
        error.code.startsWith("ERR_PARSE_ARGS");
      if (error instanceof CliError || parseArgsError) {
        process.stderr.write(
          error.message
            .split("\n")
            .map((line) => `${name}: ${line}\n`)
            .join(""),
        );
        process.exitCode = 2;
      } else {
        process.stderr.write(
          `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exitCode = 1;
      }
    });
}

// Runs one of the project's TypeScript entry points as a child process, for command-line tests.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

export type ScriptResult = { code: number; stdout: string; stderr: string };

/** Runs `script` (a path from the project's root) under tsx with `args` and waits for it to
 * exit; `env` replaces the environment when given. Never throws for a non-zero exit. */
export async function runScript(
  script: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: root,
      ...(env ? { env } : {}),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

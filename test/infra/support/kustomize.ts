// Renders a kustomization with the kustomize this machine has: `kustomize build`, else
// `kubectl kustomize` (Debian's kubernetes-client, which .ci/run installs when neither is there).
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";

const run = promisify(execFile);

/** A rendered Kubernetes object, as plain data. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
};

function onPath(program: string, args: string[]): boolean {
  try {
    execFileSync(program, args, { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** The command that renders a directory, or an error saying what to install. */
export function kustomizeCommand(): [string, string[]] {
  if (onPath("kustomize", ["version"])) return ["kustomize", ["build"]];
  if (onPath("kubectl", ["version", "--client"])) return ["kubectl", ["kustomize"]];
  throw new Error(
    "neither kustomize nor kubectl is installed: apt-get install kubernetes-client (.ci/run does)",
  );
}

/** Every object the kustomization in `dir` produces. */
export async function renderKustomization(dir: string): Promise<KubeObject[]> {
  const [program, args] = kustomizeCommand();
  const { stdout } = await run(program, [...args, dir], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

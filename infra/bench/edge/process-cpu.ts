import { readFile, readdir } from "node:fs/promises";

/**
 * CPU time of processes this benchmark started, read from Linux's /proc: the sum over every
 * thread of the first field of `/proc/<pid>/task/<tid>/schedstat` (nanoseconds on a CPU), so
 * worker threads count and the resolution is far finer than the 10 ms ticks of `/proc/<pid>/stat`.
 */

async function parentOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: fields start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return null;
  }
}

async function commandOf(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
  } catch {
    return "";
  }
}

/** Every live descendant of `root` (children, their children, ...). */
export async function descendantsOf(root: number): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  const parents = new Map<number, number>();
  await Promise.all(
    pids.map(async (pid) => {
      const parent = await parentOf(pid);
      if (parent !== null) parents.set(pid, parent);
    }),
  );
  const out: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const current = frontier.pop();
    for (const [pid, parent] of parents) {
      if (parent === current) {
        out.push(pid);
        frontier.push(pid);
      }
    }
  }
  return out;
}

/** The descendant of this process named `command` that appeared most recently (highest pid
 * among those not in `known`): the workerd a Miniflare instance just spawned. */
export async function newChildNamed(command: string, known: ReadonlySet<number>): Promise<number> {
  const found: number[] = [];
  for (const pid of await descendantsOf(process.pid))
    if (!known.has(pid) && (await commandOf(pid)) === command) found.push(pid);
  const pid = found.sort((a, b) => b - a)[0];
  if (pid === undefined) throw new Error(`no new ${command} process among this process's children`);
  return pid;
}

/** The pids of this process's descendants named `command`. */
export async function childrenNamed(command: string): Promise<Set<number>> {
  const out = new Set<number>();
  for (const pid of await descendantsOf(process.pid)) if ((await commandOf(pid)) === command) out.add(pid);
  return out;
}

/** Nanoseconds the process `pid` (all its threads) has spent on a CPU so far. */
export async function cpuNanos(pid: number): Promise<number> {
  let total = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      const text = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8");
      total += Number(text.split(" ")[0]);
    } catch {
      // The thread ended between the listing and the read: its time is gone with it.
    }
  }
  return total;
}

/** CPU nanoseconds of a process and all its descendants (nginx's master and workers). */
export async function treeCpuNanos(root: number): Promise<number> {
  const all = [root, ...(await descendantsOf(root))];
  const each = await Promise.all(all.map((pid) => cpuNanos(pid).catch(() => 0)));
  return each.reduce((sum, n) => sum + n, 0);
}

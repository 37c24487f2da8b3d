// A stand-in service for the process tests: starts a grandchild (`sleep`), prints both ids, and
// with --stubborn ignores SIGTERM, as a hung service would.
import { spawn } from "node:child_process";

const sleeper = spawn("sleep", ["300"], { stdio: "ignore" });
if (process.argv.includes("--stubborn")) process.on("SIGTERM", () => undefined);
process.stdout.write(`pids ${process.pid} ${sleeper.pid ?? 0}\n`);
setInterval(() => undefined, 1 << 30);

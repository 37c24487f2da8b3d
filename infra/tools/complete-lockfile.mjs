// The npm mirror this project is built against lacks some other-platform builds (for example
// @msgpackr-extract/msgpackr-extract-darwin-arm64), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lockfile as out of sync. This adds each missing
// platform package as an optional entry gated by its os/cpu (taken from its name), which npm
// skips on other platforms and fetches from the registry on the platform that needs it.
// Run after changing dependencies: `node infra/tools/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const OS = { darwin: "darwin", linux: "linux", win32: "win32", freebsd: "freebsd", android: "android" };
const CPU = ["arm64", "x64", "arm", "ia32", "riscv64", "ppc64", "s390x", "loong64"];

const file = new URL("../../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === "" ? "" : `${path}/`;
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((candidate) => lock.packages[candidate])) continue;
    const parts = name.split(/[-/]/);
    const os = parts.find((part) => OS[part]);
    const cpu = [...parts].reverse().find((part) => CPU.includes(part));
    if (!os || !cpu || !/^\d+\.\d+\.\d+$/.test(version)) continue;
    lock.packages[`node_modules/${name}`] = { version, cpu: [cpu], license: "MIT", optional: true, os: [os] };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform-gated optional entr${added === 1 ? "y" : "ies"}`);

/**
 * The augurs time-series library (Rust compiled to WebAssembly, `@bsull/augurs`), loaded without
 * fetch: its generated loader fetches the .wasm file beside it, which Node cannot do from a file
 * path, so the bytes are read from the installed package and instantiated synchronously. The
 * package stays in node_modules in every build (the production bundle keeps packages external),
 * so the file is found the same way from the sources, the tests and dist/. See docs/forecasting.md.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { AutoETS, initSync as initEts } from "@bsull/augurs/ets";
import { initSync as initMstl, MSTL } from "@bsull/augurs/mstl";

const loaded = new Set<string>();

/** Instantiates one augurs module's WebAssembly (`<name>_bg.wasm` beside its script) once. */
function load(name: "mstl" | "ets", init: (input: { module: Buffer }) => unknown): void {
  if (loaded.has(name)) return;
  const entry = createRequire(import.meta.url).resolve(`@bsull/augurs/${name}`);
  const wasm = path.join(path.dirname(entry), `${name}_bg.wasm`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(wasm);
  } catch (error) {
    throw new Error(`cannot read augurs' WebAssembly at ${wasm}: ${String(error)}`, { cause: error });
  }
  init({ module: bytes });
  loaded.add(name);
}

/** augurs' MSTL class, its WebAssembly instantiated on first use. */
export function augursMstl(): typeof MSTL {
  load("mstl", initMstl);
  return MSTL;
}

/** augurs' AutoETS class, its WebAssembly instantiated on first use. */
export function augursAutoEts(): typeof AutoETS {
  load("ets", initEts);
  return AutoETS;
}

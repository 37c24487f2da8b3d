import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { TfBackend } from "../../../contracts/index.ts";

/** Backends in order of preference: native TensorFlow through `@tensorflow/tfjs-node` (an
 * optional dependency that needs libtensorflow), then WebAssembly (measured about 6x faster than
 * the plain JavaScript `cpu` backend on this LSTM, see BENCHMARKS.md), then `cpu`. */
export const BACKEND_PREFERENCE: readonly TfBackend[] = ["tensorflow", "wasm", "cpu"];

let chosen: Promise<TfBackend> | null = null;

/**
 * Picks the TensorFlow.js backend once per process: `preferred` when it loads, else the first of
 * BACKEND_PREFERENCE that does. tfjs keeps one global backend, so every model in the process
 * shares this choice; the name goes into every forecast document.
 */
export function useBackend(preferred?: TfBackend): Promise<TfBackend> {
  chosen ??= pickBackend(preferred);
  return chosen;
}

/** Switches the backend (benchmarks compare them); later `useBackend` calls return this one. */
export async function switchBackend(backend: TfBackend): Promise<boolean> {
  if (!(await loadBackend(backend))) return false;
  chosen = Promise.resolve(backend);
  return true;
}

async function pickBackend(preferred?: TfBackend): Promise<TfBackend> {
  const order = preferred
    ? [preferred, ...BACKEND_PREFERENCE.filter((b) => b !== preferred)]
    : BACKEND_PREFERENCE;
  for (const backend of order) if (await loadBackend(backend)) return backend;
  throw new Error("no TensorFlow.js backend could be initialised");
}

async function loadBackend(backend: TfBackend): Promise<boolean> {
  try {
    if (backend === "tensorflow") {
      // A variable specifier: the package is optional, absent where libtensorflow cannot install.
      const nativeModule = "@tensorflow/tfjs-node";
      await import(nativeModule);
    }
    const ok = await tf.setBackend(backend);
    await tf.ready();
    return ok && tf.getBackend() === backend;
  } catch {
    return false;
  }
}

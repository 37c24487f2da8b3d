import {
  SERIES_CHUNK_STEPS,
  SERIES_VALUE_BYTES,
  parseSeriesChunkField,
} from "../../contracts/series-layout.ts";

/**
 * The codec of a series chunk (layout in contracts/series-layout.ts): a point's time is its slot,
 * so a stored point costs the four bytes of its float32 value and nothing for its timestamp. A
 * quiet NaN marks a slot never written: a gap, not a zero.
 */

/** The four bytes of a gap (float32 quiet NaN, little-endian). */
export const GAP_BYTES = Buffer.from([0x00, 0x00, 0xc0, 0x7f]);

/** A point on the grid: `t` is the start of its step. */
export type GridPoint = { t: number; value: number };

/** Start (epoch ms) of the chunk holding step `t`. */
export function chunkStartOf(t: number, stepMs: number): number {
  const span = SERIES_CHUNK_STEPS * stepMs;
  return Math.floor(t / span) * span;
}

/** The stored bytes of a value, or null when float32 cannot hold it as a finite number (a
 * non-finite value, or one beyond ±3.4e38): such a point is a gap. */
export function encodeValue(value: number): Buffer | null {
  const bytes = Buffer.alloc(SERIES_VALUE_BYTES);
  bytes.writeFloatLE(value);
  return Number.isFinite(bytes.readFloatLE()) ? bytes : null;
}

/** The value as it reads back: rounded to float32. */
export function storedValue(value: number): number {
  return Math.fround(value);
}

/** The points of a chunk field's bytes, gaps left out; null when the field is not a chunk. */
export function decodeChunk(field: string, bytes: Buffer): GridPoint[] | null {
  const chunk = parseSeriesChunkField(field);
  if (!chunk) return null;
  const stepMs = chunk.stepSeconds * 1000;
  const points: GridPoint[] = [];
  for (let slot = 0; (slot + 1) * SERIES_VALUE_BYTES <= bytes.length; slot++) {
    const value = bytes.readFloatLE(slot * SERIES_VALUE_BYTES);
    if (!Number.isNaN(value)) points.push({ t: chunk.start + slot * stepMs, value });
  }
  return points;
}

/** The writes of one chunk: slot -> bytes, in ascending slot order. */
export type ChunkWrite = { start: number; slots: [slot: number, bytes: Buffer][] };

/**
 * Groups points already on the grid into per-chunk slot writes. A step given twice keeps the
 * last value, as writing it twice would.
 */
export function planChunkWrites(points: readonly GridPoint[], stepMs: number): ChunkWrite[] {
  const chunks = new Map<number, Map<number, Buffer>>();
  for (const { t, value } of points) {
    const bytes = encodeValue(value);
    if (!bytes) continue;
    const start = chunkStartOf(t, stepMs);
    const slots = chunks.get(start) ?? new Map<number, Buffer>();
    chunks.set(start, slots);
    slots.set((t - start) / stepMs, bytes);
  }
  return [...chunks.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, slots]) => ({ start, slots: [...slots.entries()].sort(([a], [b]) => a - b) }));
}

/** The bytes of a whole chunk holding `writes` (for converting an old series at once). */
export function encodeChunk(write: ChunkWrite): Buffer {
  const bytes = Buffer.alloc(SERIES_CHUNK_STEPS * SERIES_VALUE_BYTES);
  for (let slot = 0; slot < SERIES_CHUNK_STEPS; slot++) GAP_BYTES.copy(bytes, slot * SERIES_VALUE_BYTES);
  for (const [slot, value] of write.slots) value.copy(bytes, slot * SERIES_VALUE_BYTES);
  return bytes;
}

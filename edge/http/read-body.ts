import { BadRequest, PayloadTooLarge } from "./errors.ts";

/** Largest body the admin API reads (PUT /__lb/table and /__lb/weights): 1 MiB holds a table of
 * several thousand origins, and bounds what a caller can make the isolate buffer and parse. */
export const MAX_ADMIN_BODY_BYTES = 1024 * 1024;

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * The request's body as UTF-8 text, read chunk by chunk and abandoned (413) as soon as it passes
 * `limit` bytes, so a body without a Content-Length (chunked) cannot be buffered past the limit
 * either. A declared length over the limit is refused before reading anything.
 */
export async function readBodyText(request: Request, limit = MAX_ADMIN_BODY_BYTES): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit)
    throw new PayloadTooLarge(limit);
  const body = request.body;
  if (body === null) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    const chunk: unknown = next.value;
    if (!(chunk instanceof Uint8Array)) throw new BadRequest("the body could not be read as bytes");
    size += chunk.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLarge(limit);
    }
    chunks.push(chunk);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(concat(chunks, size));
  } catch {
    throw new BadRequest("the body is not valid UTF-8 text");
  }
}

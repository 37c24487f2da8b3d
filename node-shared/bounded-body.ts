/**
 * Reads a body as UTF-8 text, at most `maxBytes` of it, whatever a Content-Length claimed: past
 * that the reading stops (which cancels a fetch body stream and destroys a Node request) and
 * `tooLarge()` is thrown. Takes a fetch body (a web ReadableStream) or a Node IncomingMessage:
 * both are async iterables of byte chunks. Used for request bodies and for answers read from
 * other services (scrapes, the edge's admin API).
 */
export async function readBoundedText(
  body: AsyncIterable<Uint8Array> | null | undefined,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<string> {
  if (!body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

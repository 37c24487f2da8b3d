import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readBoundedText } from "./bounded-body.ts";

class TooLarge extends Error {}
const tooLarge = () => new TooLarge("too large");

/** A fetch body of the given chunks that records whether its reader cancelled it. */
function webBody(chunks: Uint8Array[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("readBoundedText", () => {
  it("reads a body up to the limit, a character split across chunks included", async () => {
    const euro = bytes("€");
    const { stream } = webBody([bytes("price: "), euro.slice(0, 1), euro.slice(1)]);
    expect(await readBoundedText(stream, 10, tooLarge)).toBe("price: €");
  });

  it("reads no body as empty text", async () => {
    expect(await readBoundedText(null, 10, tooLarge)).toBe("");
  });

  it("stops a fetch body past the limit and cancels its stream", async () => {
    const { stream, cancelled } = webBody([bytes("12345"), bytes("67890"), bytes("x"), bytes("never read")]);
    await expect(readBoundedText(stream, 10, tooLarge)).rejects.toBeInstanceOf(TooLarge);
    expect(cancelled()).toBe(true);
  });

  it("stops a Node stream past the limit and destroys it", async () => {
    const request = Readable.from([Buffer.from("12345"), Buffer.from("678901"), Buffer.from("never read")]);
    await expect(readBoundedText(request, 10, tooLarge)).rejects.toBeInstanceOf(TooLarge);
    expect(request.destroyed).toBe(true);
  });

  it("reads a Node stream within the limit whole", async () => {
    expect(await readBoundedText(Readable.from([Buffer.from("{}"), Buffer.from("\n")]), 3, tooLarge)).toBe(
      "{}\n",
    );
  });
});

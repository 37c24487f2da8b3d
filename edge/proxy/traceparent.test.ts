import { describe, expect, it } from "vitest";
import { childTraceparent } from "./traceparent.ts";

const hex = (bytes: number) => "ab".repeat(bytes);

describe("traceparent", () => {
  it("keeps the client's trace id and flags and becomes the parent", () => {
    expect(childTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", hex)).toBe(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-abababababababab-01",
    );
  });

  it.each([
    null,
    "garbage",
    "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
  ])("starts a new trace when the header is %j", (incoming) => {
    expect(childTraceparent(incoming, hex)).toBe(`00-${"ab".repeat(16)}-${"ab".repeat(8)}-00`);
  });
});

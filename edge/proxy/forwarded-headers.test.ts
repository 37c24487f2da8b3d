import { describe, expect, it } from "vitest";
import { upstreamHeaders } from "./forwarded-headers.ts";

const facts = {
  clientIp: "203.0.113.9",
  url: new URL("https://shop.example.com/cart?id=1"),
  traceparent: "00-t-s-01",
  websocket: false,
};

describe("headers sent upstream", () => {
  it("drops hop-by-hop headers, those the Connection header lists, and edge-only ones", () => {
    const incoming = new Headers({
      connection: "keep-alive, x-secret-hop",
      "keep-alive": "timeout=5",
      "x-secret-hop": "1",
      te: "trailers",
      "proxy-authorization": "Basic x",
      "x-lb-geo": "1,2",
      "x-lb-test-now": "5",
      host: "evil.example",
      accept: "text/html",
    });
    const headers = upstreamHeaders(incoming, facts);
    for (const name of [
      "connection",
      "keep-alive",
      "x-secret-hop",
      "te",
      "proxy-authorization",
      "x-lb-geo",
      "x-lb-test-now",
      "host",
    ])
      expect(headers.has(name)).toBe(false);
    expect(headers.get("accept")).toBe("text/html");
  });

  it("sets x-forwarded-* and traceparent, appending the client to an existing chain", () => {
    const headers = upstreamHeaders(new Headers({ "x-forwarded-for": "198.51.100.1" }), facts);
    expect(headers.get("x-forwarded-for")).toBe("198.51.100.1, 203.0.113.9");
    expect(headers.get("x-forwarded-proto")).toBe("https");
    expect(headers.get("x-forwarded-host")).toBe("shop.example.com");
    expect(headers.get("traceparent")).toBe("00-t-s-01");
  });

  it("keeps the upgrade handshake of a WebSocket", () => {
    const headers = upstreamHeaders(
      new Headers({ upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "k" }),
      { ...facts, websocket: true },
    );
    expect(headers.get("upgrade")).toBe("websocket");
    expect(headers.get("connection")).toBe("Upgrade");
    expect(headers.get("sec-websocket-key")).toBe("k");
  });
});

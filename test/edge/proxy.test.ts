import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EdgeWorker } from "./support/edge-worker.ts";
import { FRANKFURT, PARIS, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";

// What the origin receives and what the client gets back, through the real Worker.

let edge: EdgeWorker;
let origin: TestOrigin;
const T0 = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  [edge, origin] = await Promise.all([EdgeWorker.start(), TestOrigin.start("px")]);
  const put = await edge.admin(
    "PUT",
    "/__lb/table",
    originTable(1, [{ name: "eu", location: FRANKFURT, origins: [{ origin, basePath: "/base" }] }]),
    T0,
  );
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await Promise.all([edge.stop(), origin.stop()]);
});

const lastSeen = () => {
  const seen = origin.seen.at(-1);
  if (!seen) throw new Error("the origin saw no request");
  return seen;
};

describe("proxying", () => {
  it("sends origin url + path + query upstream, whatever Host the client names", async () => {
    const answer = await edge.text({
      path: "/cart/items?id=7&sort=asc",
      geo: PARIS,
      now: T0,
      headers: { host: "attacker.example" },
    });
    expect(answer.status).toBe(200);
    expect(lastSeen().url).toBe("/base/cart/items?id=7&sort=asc");
    expect(lastSeen().headers.host).toBe(`127.0.0.1:${origin.port}`);
  });

  it("drops hop-by-hop and edge-only headers and sets x-forwarded-* and traceparent", async () => {
    const answer = await edge.raw("/", {
      connection: "keep-alive, x-drop",
      "keep-alive": "timeout=5",
      "x-drop": "1",
      "proxy-authorization": "Basic eA==",
      te: "trailers",
      "x-lb-geo": PARIS,
      "x-lb-test-now": String(T0),
      "cf-connecting-ip": "203.0.113.7",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "x-kept": "yes",
    });
    expect(answer.status).toBe(200);
    const headers = lastSeen().headers;
    for (const name of [
      "x-drop",
      "keep-alive",
      "proxy-authorization",
      "te",
      "x-lb-geo",
      "x-lb-test-now",
      "cf-connecting-ip",
    ])
      expect(headers[name]).toBeUndefined();
    expect(headers["x-kept"]).toBe("yes");
    expect(headers["x-forwarded-for"]).toBe("203.0.113.7");
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers["x-forwarded-host"]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(headers.traceparent).not.toContain("00f067aa0ba902b7");
  });

  it("starts a trace when the client sends none", async () => {
    await edge.text({ geo: PARIS, now: T0 });
    expect(lastSeen().headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it("names the serving origin and drops the origin's hop-by-hop headers in the answer", async () => {
    const answer = await edge.text({ geo: PARIS, now: T0 });
    expect(answer.headers.get("x-lb-origin")).toBe("px");
    expect(answer.headers.get("x-origin")).toBe("px");
    expect(answer.headers.get("keep-alive")).toBeNull();
    expect(answer.headers.get("x-custom-hop")).toBeNull();
  });

  it("streams an answer through without buffering it", async () => {
    const hold = origin.holdNext();
    // identity: a compressing hop would buffer small chunks, which is not what is tested here.
    const response = await edge.fetch({ geo: PARIS, now: T0, headers: { "accept-encoding": "identity" } });
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    await hold.started;
    const decoder = new TextDecoder();
    const first = await reader.read();
    // The origin has not finished its answer yet, but the client already holds its first part.
    expect(decoder.decode(first.value)).toBe("first|");
    hold.release();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += decoder.decode(chunk.value);
    expect(rest).toBe("last");
  });

  it("streams a large request body upstream", async () => {
    const body = new Uint8Array(1024 * 1024).fill(97);
    const answer = await edge.text({
      method: "POST",
      geo: PARIS,
      now: T0,
      body,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(answer.status).toBe(200);
    expect(lastSeen().bodyBytes).toBe(1024 * 1024);
    expect(lastSeen().method).toBe("POST");
  });

  it("proxies a WebSocket upgrade", async () => {
    const response = await edge.fetch({ geo: PARIS, now: T0, headers: { upgrade: "websocket" } });
    expect(response.status).toBe(101);
    expect(response.headers.get("x-lb-origin")).toBe("px");
    const socket = (
      response as unknown as {
        webSocket: {
          accept(): void;
          send(data: string): void;
          close(): void;
          addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
        } | null;
      }
    ).webSocket;
    if (!socket) throw new Error("no WebSocket in the answer");
    socket.accept();
    const echoed = new Promise<unknown>((resolve) => {
      socket.addEventListener("message", (event) => {
        resolve(event.data);
      });
    });
    socket.send("hello");
    expect(await echoed).toBe("px:hello");
    socket.close();
  });
});

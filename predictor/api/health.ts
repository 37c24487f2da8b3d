/** What GET /healthz reports of one predictor process: whether it can do its work, and why not. */
export type ProcessHealth = { ok: boolean } & Record<string, unknown>;

/** The probes' answer: 200 when healthy, 503 otherwise, the details as JSON either way. */
export function healthResponse(health: ProcessHealth): Response {
  return Response.json(health, {
    status: health.ok ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}

/**
 * The API of a process without the `api` role (a worker, the scheduler): GET /healthz only, so
 * an orchestrator can probe it (`--health-port`); everything else is 404.
 */
export function healthOnlyApi(health: () => ProcessHealth): (request: Request) => Promise<Response> {
  return (request) => {
    const path = new URL(request.url).pathname;
    if (path !== "/healthz") return Promise.resolve(Response.json({ error: "not found" }, { status: 404 }));
    if (request.method !== "GET" && request.method !== "HEAD")
      return Promise.resolve(
        Response.json(
          { error: `${request.method} is not allowed on /healthz` },
          { status: 405, headers: { allow: "GET, HEAD" } },
        ),
      );
    return Promise.resolve(healthResponse(health()));
  };
}

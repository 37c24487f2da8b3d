import type { DashboardAssets } from "./dashboard-assets.ts";
import { withSecurityHeaders } from "./security-headers.ts";

/**
 * Serves the dashboard's files (GET and HEAD) with the security headers, answering every
 * non-API path: `/` and `/index.html` are the page; an unknown path is a 404. Files are
 * revalidated on each load (`no-cache` + ETag), so a restarted predictor's new page is never
 * mixed with an old script.
 */
export function dashboardHandler(assets: DashboardAssets): (request: Request) => Promise<Response> {
  return (request) => {
    const url = new URL(request.url);
    const file = assets.get(url.pathname === "/index.html" ? "/" : url.pathname);
    let response: Response;
    if (!file)
      response = new Response("not found\n", {
        status: 404,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    else if (request.method !== "GET" && request.method !== "HEAD")
      response = new Response("method not allowed\n", {
        status: 405,
        headers: { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" },
      });
    else {
      const headers = { "content-type": file.contentType, etag: file.etag, "cache-control": "no-cache" };
      const fresh = request.headers.get("if-none-match") === file.etag;
      if (fresh) response = new Response(null, { status: 304, headers });
      else
        response = new Response(request.method === "HEAD" ? null : file.body, {
          status: 200,
          headers: { ...headers, "content-length": String(file.body.byteLength) },
        });
    }
    return Promise.resolve(withSecurityHeaders(response, "page"));
  };
}

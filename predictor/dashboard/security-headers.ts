/**
 * The dashboard's Content-Security-Policy: scripts, styles, images and requests from the
 * predictor itself only; no inline script or style, no plug-ins, no framing, no <base> tricks,
 * forms post only here. The page is built for it: external JS and CSS files, text set through
 * textContent, chart styles set through the CSSOM (which CSP does not restrict).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** An API answer is data, never a document: nothing may run or load in it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The headers every answer of the predictor carries, page or API. */
export function securityHeaders(kind: "page" | "api"): Record<string, string> {
  return {
    "content-security-policy": kind === "page" ? DASHBOARD_CSP : API_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
}

/** A copy of the response with the security headers set (and `no-store` on API answers, which
 * carry live data and must never be served stale from a cache). */
export function withSecurityHeaders(response: Response, kind: "page" | "api"): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(securityHeaders(kind))) headers.set(name, value);
  if (kind === "api" && !headers.has("cache-control")) headers.set("cache-control", "no-store");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

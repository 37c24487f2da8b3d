/**
 * Requests the edge refuses to forward, whatever the table says. Pure checks on the request line,
 * cheap enough for every request (the path check only runs when the path holds a `%`).
 */

/** Methods that are not forwarded: CONNECT would open a tunnel (an open proxy), TRACE and TRACK
 * echo the request, credentials included, back to whoever sent it (cross-site tracing). */
const UNFORWARDED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/** True when the method is never forwarded to an origin. */
export function isUnforwardedMethod(method: string): boolean {
  return UNFORWARDED_METHODS.has(method.toUpperCase());
}

/** Percent-decodes one path segment, leaving malformed escapes as they are. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * True when a path, once an origin percent-decodes it, could climb out of the origin's base path:
 * a segment that decodes to "." or "..", or that hides a dot segment behind an encoded slash or
 * backslash ("..%2f", "%2e%2e%5c"). The URL parser already removes literal and plainly encoded
 * dot segments, so only paths with a `%` need this look.
 */
export function hasEncodedDotSegment(pathname: string): boolean {
  if (!pathname.includes("%")) return false;
  for (const segment of pathname.split("/")) {
    if (!segment.includes("%")) continue;
    for (const part of decodeSegment(segment).split(/[/\\]/)) if (part === "." || part === "..") return true;
  }
  return false;
}

/**
 * W3C Trace Context `traceparent`: the edge is one hop of the trace, so it keeps the client's
 * trace id and flags and sets itself as the parent; without a valid header it starts a trace.
 */

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** An all-zero id is invalid in Trace Context: replace it (odds 2^-64 or less). */
const nonZero = (id: string, zero: string): string => (id === zero ? `${zero.slice(1)}1` : id);

/** The traceparent to send upstream; `randomHex(n)` gives n random bytes as hex. */
export function childTraceparent(incoming: string | null, randomHex: (bytes: number) => string): string {
  const match = incoming === null ? null : TRACEPARENT.exec(incoming.trim());
  const version = match?.[1];
  const traceId = match?.[2];
  const flags = match?.[4];
  const valid =
    match !== null &&
    version !== undefined &&
    version !== "ff" &&
    traceId !== undefined &&
    traceId !== ZERO_TRACE &&
    match[3] !== ZERO_SPAN &&
    flags !== undefined &&
    (version !== "00" || match[5] === undefined);
  if (valid) return `00-${traceId}-${nonZero(randomHex(8), ZERO_SPAN)}-${flags}`;
  // One draw for both ids: a new trace is the common case at the edge.
  const ids = randomHex(24);
  return `00-${nonZero(ids.slice(0, 32), ZERO_TRACE)}-${nonZero(ids.slice(32), ZERO_SPAN)}-00`;
}

/**
 * Numbers as Prometheus reads them: Go's `strconv.ParseFloat` restricted, as its parsers restrict
 * it, to the pre-Go-1.13 syntax (no hex floats, no `_` between digits). So: decimals with an
 * optional exponent, `NaN` (any case, unsigned), `Inf`/`Infinity` (any case, optionally signed).
 * A decimal too large for a float64 is an error in Go (ErrRange), not infinity.
 */

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INFINITY = /^[+-]?(inf|infinity)$/i;

/** The value of `text`, or null when Prometheus would refuse it (see {@link floatProblem}). */
export function parseGoFloat(text: string): number | null {
  if (INFINITY.test(text)) return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Why `text` is not a number Prometheus reads, in words an operator can act on. */
export function floatProblem(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  if (text.endsWith("\r"))
    return `"${shown.trimEnd()}" ends with a carriage return (the format wants \\n line ends, not \\r\\n)`;
  if (DECIMAL.test(text)) return `"${shown}" is too large for a 64-bit float`;
  if (/^[+-]?0[xXbBoO]/.test(text))
    return `"${shown}" is refused: Prometheus reads no hex, binary or octal numbers`;
  if (text.includes("_")) return `"${shown}" is refused: Prometheus reads no "_" between digits`;
  return `"${shown}" is not a number (expected digits with an optional exponent, NaN, +Inf or -Inf)`;
}

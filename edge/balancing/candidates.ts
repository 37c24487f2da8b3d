/**
 * The origins a pool can serve from, prepared once per routing-plan change: member origin
 * indices with their effective weights and cumulative sums, so a weighted draw is one binary
 * search (O(log n)) instead of a scan.
 */
export type Candidates = {
  /** The pool these origins belong to (its index), or -1. */
  readonly pool: number;
  /** Origin indices (into the compiled table), only those with a weight above zero. */
  readonly members: Int32Array;
  readonly weights: Float64Array;
  /** cumulative[k] = weights[0] + ... + weights[k]. */
  readonly cumulative: Float64Array;
  readonly total: number;
};

/** The empty candidate set. */
export const NO_CANDIDATES: Candidates = {
  pool: -1,
  members: new Int32Array(0),
  weights: new Float64Array(0),
  cumulative: new Float64Array(0),
  total: 0,
};

/** Builds candidates from parallel lists, dropping members whose weight is not above zero. */
export function buildCandidates(
  members: readonly number[],
  weights: readonly number[],
  pool = -1,
): Candidates {
  const keep: number[] = [];
  for (let k = 0; k < members.length; k++) if ((weights[k] ?? 0) > 0) keep.push(k);
  if (keep.length === 0) return NO_CANDIDATES;
  const out = {
    pool,
    members: new Int32Array(keep.length),
    weights: new Float64Array(keep.length),
    cumulative: new Float64Array(keep.length),
    total: 0,
  };
  let sum = 0;
  keep.forEach((k, position) => {
    const weight = weights[k] ?? 0;
    sum += weight;
    out.members[position] = members[k] ?? -1;
    out.weights[position] = weight;
    out.cumulative[position] = sum;
  });
  out.total = sum;
  return out;
}

/** The position whose cumulative interval holds `x` (0 <= x < total): a weighted draw. */
export function positionAt(candidates: Candidates, x: number): number {
  const cumulative = candidates.cumulative;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A second weighted draw that never returns `first`: draw over the total minus first's weight
 * and step over first's interval (sampling without replacement, still O(log n)). */
export function positionOtherThan(candidates: Candidates, first: number, u: number): number {
  const weight = candidates.weights[first] ?? 0;
  const start = (candidates.cumulative[first] ?? 0) - weight;
  let x = u * (candidates.total - weight);
  if (x >= start) x += weight;
  const position = positionAt(candidates, x);
  if (position !== first) return position;
  // Rounding can land on `first`'s edge: take a neighbour instead.
  return first + 1 < candidates.members.length ? first + 1 : first - 1;
}

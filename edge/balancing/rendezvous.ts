/**
 * Weighted rendezvous (highest random weight) hashing, Schindelhauer and Schomaker's
 * logarithmic method: each origin scores w / -ln(u) with u a hash of (client key, origin) in
 * (0, 1); the highest score wins. Removing an origin moves only the keys it held, and each
 * origin holds keys in proportion to its weight.
 */

/** FNV-1a, 32 bits: the hash of a client key or an origin id. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finaliser: spreads every input bit over the output. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The score of one origin (seed = hashString(origin id), weight > 0) for a key hash. */
export function rendezvousScore(keyHash: number, originSeed: number, weight: number): number {
  const h = mix(mix(keyHash ^ originSeed) + originSeed);
  const u = (h + 0.5) / 4294967296;
  return weight / -Math.log(u);
}

/** The index (into `seeds`) of the highest-scoring origin among those `eligible` accepts, or -1. */
export function rendezvousPick(
  keyHash: number,
  seeds: ArrayLike<number>,
  weights: ArrayLike<number>,
  eligible: (position: number) => boolean,
): number {
  let best = -1;
  let bestScore = -1;
  for (let k = 0; k < seeds.length; k++) {
    const weight = weights[k] ?? 0;
    if (weight <= 0 || !eligible(k)) continue;
    const score = rendezvousScore(keyHash, seeds[k] ?? 0, weight);
    if (score > bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

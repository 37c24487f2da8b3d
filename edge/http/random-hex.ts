/** Lower-case hex of every byte value, built once: formatting an id is then one lookup a byte. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** `bytes` cryptographically random bytes as lower-case hex (trace, span and session ids). */
export function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (let k = 0; k < buffer.length; k++) out += HEX[buffer[k] ?? 0] ?? "00";
  return out;
}

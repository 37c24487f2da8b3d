/** Redis keys private to the scaler, under the same prefix as the shared ones. */
export function scalerKeys(prefix: string) {
  return {
    /** String: the JSON policy state (its memory between evaluations). */
    state: `${prefix}:scaler:state`,
    /** String: the evaluation lock's holder token (SET NX PX). */
    lock: `${prefix}:scaler:lock`,
    /** Hash: origin id -> JSON ScaleOutcome of its latest replica request. */
    outcomes: `${prefix}:scaler:outcomes`,
    /** String with a TTL: marks a decision id as appended to the stream, so a retried job never
     * appends it twice. */
    recorded: (decisionId: string) => `${prefix}:scaler:recorded:${decisionId}`,
  };
}
export type ScalerKeys = ReturnType<typeof scalerKeys>;

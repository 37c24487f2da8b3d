import type { Origin } from "../../contracts/index.ts";
import type { OriginObservation, OriginScaling, OriginState, ReplicaRequest, ScaleOutcome } from "./types.ts";

/** Where a replica request stands. */
export type RequestStatus = "none" | "in-flight" | "done" | "failed" | "timed-out";

/** One origin as the policy sees it in an evaluation. */
export type OriginView = {
  id: string;
  weight: number;
  scaling?: OriginScaling;
  observation: OriginObservation;
  /** Replicas serving now, when a capacity sample says so. */
  serving?: number;
  /** Requests per second one replica takes: configured, else derived from the origin's own
   * `origin_capacity_rps`. */
  perReplica?: number;
  /** Requests per second the origin takes now (its exported capacity, else replicas x rate). */
  capacityNow?: number;
  /** The replica request still being waited for, if any. */
  request?: ReplicaRequest;
  requestStatus: RequestStatus;
  /** The forecast quantile this origin is sized for (its adapted one under a violation budget). */
  sizingQuantile?: number;
};

/** Builds the policy's view of an origin and settles its last replica request. */
export function viewOrigin(
  origin: Origin,
  scaling: OriginScaling | undefined,
  observation: OriginObservation,
  state: OriginState | undefined,
  outcome: ScaleOutcome | undefined,
  now: number,
): OriginView {
  const sample = observation.capacity;
  const serving = sample?.replicas;
  const exportedPerReplica =
    sample?.capacityRps !== undefined && sample.replicas > 0
      ? sample.capacityRps / sample.replicas
      : undefined;
  const perReplica = scaling?.rpsPerReplica ?? exportedPerReplica;
  const capacityNow =
    sample?.capacityRps ??
    (serving !== undefined && perReplica !== undefined ? serving * perReplica : undefined);
  const request = state?.request;
  const requestStatus = settleRequest(request, serving, outcome, scaling, now);
  return {
    id: origin.id,
    weight: origin.weight,
    observation,
    requestStatus,
    ...(scaling ? { scaling } : {}),
    ...(serving !== undefined ? { serving } : {}),
    ...(perReplica !== undefined ? { perReplica } : {}),
    ...(capacityNow !== undefined ? { capacityNow } : {}),
    ...(request && requestStatus === "in-flight" ? { request } : {}),
  };
}

/** A request is done once the serving replicas reach it, failed when its job said so, and timed
 * out when the replicas have not come a boot time after they were due. */
function settleRequest(
  request: ReplicaRequest | undefined,
  serving: number | undefined,
  outcome: ScaleOutcome | undefined,
  scaling: OriginScaling | undefined,
  now: number,
): RequestStatus {
  if (!request) return "none";
  if (request.failedAt !== undefined || (outcome?.seq === request.seq && !outcome.ok)) return "failed";
  const up = request.replicas > request.from;
  if (serving !== undefined && (up ? serving >= request.replicas : serving <= request.replicas))
    return "done";
  const graceMs = Math.max(60_000, (scaling?.bootSeconds ?? 60) * 1000);
  return now > request.readyAt + graceMs ? "timed-out" : "in-flight";
}

/** True while replicas the origin asked for are still booting. */
export function isScalingOut(view: OriginView): boolean {
  return view.request !== undefined && view.request.replicas > view.request.from;
}

/** Requests per second the origin can take at time `t`, counting replicas that will have booted
 * by then; undefined when its capacity is unknown. */
export function capacityAt(view: OriginView, t: number): number | undefined {
  if (view.capacityNow === undefined) return undefined;
  const request = view.request;
  if (!request || view.serving === undefined || view.perReplica === undefined) return view.capacityNow;
  if (request.replicas < view.serving) return Math.min(view.capacityNow, request.replicas * view.perReplica);
  return t >= request.readyAt
    ? view.capacityNow + (request.replicas - view.serving) * view.perReplica
    : view.capacityNow;
}

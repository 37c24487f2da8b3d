import type { ValidationIssue } from "./validation.ts";

/** Path prefix of the Worker's admin API. */
export const ADMIN_PREFIX = "/__lb/";

/** The KV keys of the `ORIGINS` namespace. */
export const KV_KEYS = { table: "table", weights: "weights", health: "health" } as const;

/** The JSON body of every error answer (admin API and predictor API alike). */
export type ErrorBody = { error: string; issues?: ValidationIssue[] };

/** Request header that stands in for `request.cf` location when TRUST_GEO_HEADER is "true". */
export const GEO_HEADER = "x-lb-geo";
/** Response header naming the origin that served, when EXPOSE_ORIGIN is "true". */
export const ORIGIN_HEADER = "x-lb-origin";

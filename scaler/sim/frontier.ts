import type { TrainedSelection } from "../../predictor/models/index.ts";
import type { SimulateOptions } from "./simulate.ts";
import { simulate } from "./simulate.ts";
import type { LoadSeries } from "./trace-series.ts";

/** The targets a baseline is replayed at to draw its frontier, most frugal first. */
export const FRONTIER_TARGETS = [0.7, 0.6, 0.5, 0.4, 0.3] as const;
/** Lower targets added, one at a time, only while the policy's point lies beyond the curve's
 * costly end (it spends more, or breaks the SLO less, than every replay so far). */
export const EXTENSION_TARGETS = [0.25, 0.2, 0.15, 0.1] as const;
/** Higher targets added, one at a time, only while the point lies beyond the curve's frugal end
 * (it spends less, or breaks the SLO more, than every replay so far). */
export const FRUGAL_TARGETS = [0.8, 0.9, 1] as const;

/** What a replay cost and how long it broke the SLO. */
export type SpendPoint = { replicaMinutes: number; sloViolationMinutes: number };
/** A baseline replayed at one target. */
export type CurvePoint = SpendPoint & { target: number };
/** A baseline's replays, and whether targets below FRONTIER_TARGETS were added. */
export type Frontier = { curve: CurvePoint[]; extended: boolean };

/** A policy's point read against a baseline's frontier; a null says why in `notes`. */
export type CurveComparison = {
  /** The policy's violation minutes over the frontier's at the policy's spend. */
  violationRatioAtEqualSpend: number | null;
  /** The policy's spend over the frontier's at the policy's violation minutes. */
  spendRatioAtEqualViolations: number | null;
  frontierViolationsAtSpend: number | null;
  frontierSpendAtViolations: number | null;
  notes: string[];
};

/** Replays the Kubernetes HPA (the reactive baseline) at each frontier target, violations counted
 * at the SLO's utilisation; extended to lower targets when `point` lies beyond the curve. */
export function reactiveFrontier(
  series: LoadSeries,
  options: SimulateOptions,
  point?: SpendPoint,
): Promise<Frontier> {
  return sweepFrontier((target) => replayAt(series, "reactive", options, target), point);
}

/** Replays the AWS-style predictive baseline (aws-predictive.ts) at each frontier target with
 * the trained model, violations counted at the SLO's utilisation; extended as reactiveFrontier. */
export function awsFrontier(
  series: LoadSeries,
  options: SimulateOptions,
  trained: TrainedSelection,
  point?: SpendPoint,
): Promise<Frontier> {
  return sweepFrontier((target) => replayAt(series, "aws-predictive", options, target, trained), point);
}

async function replayAt(
  series: LoadSeries,
  policy: "reactive" | "aws-predictive",
  options: SimulateOptions,
  target: number,
  trained?: TrainedSelection,
): Promise<CurvePoint> {
  const slo = options.violationUtilization ?? options.targetUtilization;
  const { report } = await simulate(
    series,
    policy,
    { ...options, targetUtilization: target, violationUtilization: slo },
    trained,
  );
  return { target, replicaMinutes: report.replicaMinutes, sloViolationMinutes: report.sloViolationMinutes };
}

/** Replays at every frontier target, then at lower ones while `point` spends more, or breaks
 * the SLO less, than every replay so far, and at higher ones while it spends less, or breaks the
 * SLO more (so the curve could not otherwise be read at its spend or violations). */
export async function sweepFrontier(
  replay: (target: number) => Promise<CurvePoint>,
  point?: SpendPoint,
): Promise<Frontier> {
  const curve: CurvePoint[] = [];
  for (const target of FRONTIER_TARGETS) curve.push(await replay(target));
  let extended = false;
  for (const target of EXTENSION_TARGETS) {
    if (!point || !beyondCurve(curve, point)) break;
    curve.push(await replay(target));
    extended = true;
  }
  for (const target of FRUGAL_TARGETS) {
    if (!point || !shortOfCurve(curve, point)) break;
    curve.push(await replay(target));
    extended = true;
  }
  // Most frugal (highest target) first, as the targets are listed.
  curve.sort((a, b) => b.target - a.target);
  return { curve, extended };
}

/** Whether higher targets could bring the curve to `point`: it spends less than every replay, or
 * has more violation minutes than every replay. */
function shortOfCurve(curve: readonly SpendPoint[], point: SpendPoint): boolean {
  const spend = Math.min(...curve.map((p) => p.replicaMinutes));
  const violations = Math.max(...curve.map((p) => p.sloViolationMinutes));
  return point.replicaMinutes < spend || point.sloViolationMinutes > violations;
}

/** Whether lower targets could bring the curve to `point`: it spends more than every replay, or
 * has fewer violation minutes than every replay. */
function beyondCurve(curve: readonly SpendPoint[], point: SpendPoint): boolean {
  const spend = Math.max(...curve.map((p) => p.replicaMinutes));
  const violations = Math.min(...curve.map((p) => p.sloViolationMinutes));
  return point.replicaMinutes > spend || point.sloViolationMinutes < violations;
}

/** The frontier as the best the baseline achieves at a spend: its points sorted by spend, less
 * every point that another matches or beats on both spend and violations, so violations fall
 * strictly as spend grows (the monotone lower hull). */
export function lowerHull<P extends SpendPoint>(curve: readonly P[]): P[] {
  const sorted = [...curve].sort(
    (a, b) => a.replicaMinutes - b.replicaMinutes || a.sloViolationMinutes - b.sloViolationMinutes,
  );
  const hull: P[] = [];
  for (const p of sorted) {
    const last = hull[hull.length - 1];
    if (!last || p.sloViolationMinutes < last.sloViolationMinutes) hull.push(p);
  }
  return hull;
}

/**
 * Reads `point` against a baseline's curve, linear between neighbouring points of its lower hull
 * sorted by spend: the frontier's violation minutes at the point's spend and its spend at the
 * point's violation minutes, and the point's ratios to them. Outside the hull's range a value is
 * null and a note says why, except that a frontier at zero violations stays there at any greater
 * spend.
 */
export function compareToCurve(curve: readonly SpendPoint[], point: SpendPoint): CurveComparison {
  const hull = lowerHull(curve);
  const notes: string[] = [];
  const atSpend = violationsAtSpend(hull, point.replicaMinutes, notes);
  const atViolations = spendAtViolations(hull, point.sloViolationMinutes, notes);
  let violationRatio: number | null = null;
  if (atSpend !== null) {
    if (atSpend > 0) violationRatio = point.sloViolationMinutes / atSpend;
    else
      notes.push(
        `the frontier has no violation minutes at ${fmt(point.replicaMinutes)} replica-minutes${point.sloViolationMinutes === 0 ? ", nor has the policy" : ""}: no ratio`,
      );
  }
  const spendRatio = atViolations !== null && atViolations > 0 ? point.replicaMinutes / atViolations : null;
  return {
    violationRatioAtEqualSpend: violationRatio,
    spendRatioAtEqualViolations: spendRatio,
    frontierViolationsAtSpend: atSpend,
    frontierSpendAtViolations: atViolations,
    notes,
  };
}

function violationsAtSpend(hull: readonly SpendPoint[], spend: number, notes: string[]): number | null {
  const first = hull[0];
  const last = hull[hull.length - 1];
  if (!first || !last) {
    notes.push("the curve has no points");
    return null;
  }
  if (spend < first.replicaMinutes) {
    notes.push(
      `${fmt(spend)} replica-minutes is below the frontier's cheapest point (${fmt(first.replicaMinutes)})`,
    );
    return null;
  }
  if (spend > last.replicaMinutes) {
    if (last.sloViolationMinutes === 0) return 0;
    notes.push(
      `${fmt(spend)} replica-minutes is beyond the frontier's dearest point (${fmt(last.replicaMinutes)})`,
    );
    return null;
  }
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[i + 1];
    if (!a) break;
    if (spend === a.replicaMinutes || !b) return a.sloViolationMinutes;
    if (spend < b.replicaMinutes)
      return interpolate(
        spend,
        a.replicaMinutes,
        b.replicaMinutes,
        a.sloViolationMinutes,
        b.sloViolationMinutes,
      );
  }
  return last.sloViolationMinutes;
}

function spendAtViolations(hull: readonly SpendPoint[], violations: number, notes: string[]): number | null {
  const first = hull[0];
  const last = hull[hull.length - 1];
  if (!first || !last) return null;
  if (violations > first.sloViolationMinutes) {
    notes.push(
      `${fmt(violations)} violation minutes is more than the frontier's cheapest point has (${fmt(first.sloViolationMinutes)})`,
    );
    return null;
  }
  if (violations < last.sloViolationMinutes) {
    notes.push(
      `${fmt(violations)} violation minutes is fewer than the frontier reaches (${fmt(last.sloViolationMinutes)} at ${fmt(last.replicaMinutes)} replica-minutes)`,
    );
    return null;
  }
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[i + 1];
    if (!a) break;
    if (violations === a.sloViolationMinutes || !b) return a.replicaMinutes;
    if (violations > b.sloViolationMinutes)
      return interpolate(
        violations,
        a.sloViolationMinutes,
        b.sloViolationMinutes,
        a.replicaMinutes,
        b.replicaMinutes,
      );
  }
  return last.replicaMinutes;
}

/** y at x on the line through (x0, y0) and (x1, y1). */
function interpolate(x: number, x0: number, x1: number, y0: number, y1: number): number {
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

const fmt = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1 });

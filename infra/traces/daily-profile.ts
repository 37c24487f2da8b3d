/** The shape of a day of traffic for one audience: a night trough, a morning peak and a
 * (higher) evening peak, with calmer, later weekends. */
export type DailyProfile = {
  /** Activity at the night trough, as a share of the weekday evening peak (0..1). */
  nightFloor: number;
  /** Local hour of the morning peak (weekdays). */
  morningPeakHour: number;
  /** Height of the morning peak relative to the evening peak. */
  morningPeakHeight: number;
  /** Local hour of the evening peak. */
  eveningPeakHour: number;
  /** Width (standard deviation, hours) of each peak. */
  peakWidthHours: number;
  /** Height of weekend peaks relative to weekday ones. */
  weekendLevel: number;
  /** How much later weekend mornings peak, in hours. */
  weekendShiftHours: number;
  /** Offset of the audience's local time from UTC, in hours. */
  utcOffsetHours: number;
};

/** A typical consumer-facing service: quiet at 4 am, busy at 9-10 am, busiest around 8 pm. */
export const DEFAULT_DAILY_PROFILE: DailyProfile = {
  nightFloor: 0.2,
  morningPeakHour: 9.5,
  morningPeakHeight: 0.75,
  eveningPeakHour: 20,
  peakWidthHours: 2.5,
  weekendLevel: 0.6,
  weekendShiftHours: 1.5,
  utcOffsetHours: 0,
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function bump(t: number, center: number, widthMs: number): number {
  const z = (t - center) / widthMs;
  return Math.exp(-0.5 * z * z);
}

/** True when the local day starting at `localDayStartMs` is a Saturday or a Sunday. */
function isWeekend(localDayStartMs: number): boolean {
  const weekday = new Date(localDayStartMs).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * Activity at time `t` (epoch ms): `nightFloor` at the trough, about 1 at a weekday evening peak.
 * Each day's peaks are Gaussian bumps placed in absolute time and summed over the neighbouring
 * days, so the curve is smooth across midnight even where a weekday meets a weekend.
 */
export function activityAt(t: number, profile: DailyProfile = DEFAULT_DAILY_PROFILE): number {
  const local = t + profile.utcOffsetHours * HOUR_MS;
  const today = Math.floor(local / DAY_MS);
  const width = profile.peakWidthHours * HOUR_MS;
  let peaks = 0;
  for (let day = today - 1; day <= today + 1; day++) {
    const dayStart = day * DAY_MS;
    const weekend = isWeekend(dayStart);
    const level = weekend ? profile.weekendLevel : 1;
    const shift = weekend ? profile.weekendShiftHours * HOUR_MS : 0;
    peaks +=
      level *
      profile.morningPeakHeight *
      bump(local, dayStart + profile.morningPeakHour * HOUR_MS + shift, width * (weekend ? 1.3 : 1));
    peaks += level * bump(local, dayStart + profile.eveningPeakHour * HOUR_MS, width);
  }
  return profile.nightFloor + (1 - profile.nightFloor) * peaks;
}

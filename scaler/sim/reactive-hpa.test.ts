import { describe, expect, it } from "vitest";
import { ReactiveHpa } from "./reactive-hpa.ts";

// 100 rps per pod, 70 % target, 1..100 pods.
const hpa = () => new ReactiveHpa(100, 0.7, 1, 100);
const T = Date.UTC(2026, 0, 1);

describe("reactive baseline (Kubernetes HPA defaults)", () => {
  it("holds within the 10 % tolerance and scales to ceil(pods x utilisation / target) beyond it", () => {
    expect(hpa().sync({ now: T, specReplicas: 10, ready: 10, unready: 0, load: 760 })).toBe(10);
    expect(hpa().sync({ now: T, specReplicas: 10, ready: 10, unready: 0, load: 800 })).toBe(12);
  });

  it("sees a saturated pod at 100 % at most, so an overload grows the fleet by 1/target per sync", () => {
    expect(hpa().sync({ now: T, specReplicas: 20, ready: 20, unready: 0, load: 50_000 })).toBe(29);
  });

  it("limits a scale-up to the larger of +100 % and +4 pods per 15 s", () => {
    // A 20 % target lets the ratio reach 5: 10 saturated pods would ask for 50.
    const low = () => new ReactiveHpa(100, 0.2, 1, 100);
    const a = low();
    expect(a.sync({ now: T, specReplicas: 10, ready: 10, unready: 0, load: 5000 })).toBe(20);
    expect(a.sync({ now: T + 5_000, specReplicas: 20, ready: 10, unready: 10, load: 5000 })).toBe(20);
    expect(low().sync({ now: T, specReplicas: 2, ready: 2, unready: 0, load: 5000 })).toBe(6);
  });

  it("counts booting pods as idle when scaling up, so it does not ask twice for the same load", () => {
    expect(hpa().sync({ now: T, specReplicas: 14, ready: 10, unready: 4, load: 900 })).toBe(14);
  });

  it("scales down only to the highest recommendation of the last 5 minutes", () => {
    const a = hpa();
    expect(a.sync({ now: T, specReplicas: 10, ready: 10, unready: 0, load: 690 })).toBe(10);
    expect(a.sync({ now: T + 15_000, specReplicas: 10, ready: 10, unready: 0, load: 200 })).toBe(10);
    expect(a.sync({ now: T + 299_000, specReplicas: 10, ready: 10, unready: 0, load: 200 })).toBe(10);
    expect(a.sync({ now: T + 316_000, specReplicas: 10, ready: 10, unready: 0, load: 200 })).toBe(3);
  });
});

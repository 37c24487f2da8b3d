import { describe, expect, it } from "vitest";
import { isNotable, isWorthShowing, partLine, readyLine } from "./console-lines.ts";

describe("the launcher's console lines", () => {
  it("aligns parts in one column", () => {
    expect(readyLine("edge", "on http://127.0.0.1:8787", 2_612)).toBe(
      "  edge      ready in  2.6 s  on http://127.0.0.1:8787",
    );
    expect(partLine("predictor", "hello")).toBe("predictor | hello");
  });

  it("hides wrangler's cron notice and a training's opening lines, and keeps its outcome", () => {
    expect(
      isWorthShowing("edge", "Scheduled Workers are not automatically triggered during local development."),
    ).toBe(false);
    expect(isWorthShowing("predictor", "training eu-west-1/rps: started")).toBe(false);
    expect(isWorthShowing("predictor", "training eu-west-1/rps: 0% seasonal-naive: training")).toBe(false);
    expect(isWorthShowing("predictor", "training eu-west-1/rps: 40% lstm: epoch 8/20")).toBe(true);
    expect(
      isWorthShowing(
        "predictor",
        "training eu-west-1/rps: serving holt-winters (hw1), trained in 0.2 s (0.2 s)",
      ),
    ).toBe(true);
    expect(isWorthShowing("scaler", "scaler info: evaluating every 5 s")).toBe(true);
  });

  it("keeps decisions, failures and trainings with --quiet", () => {
    expect(isNotable("scaler", "scaler info: evaluating every 5 s; weights via Worker admin API")).toBe(
      false,
    );
    expect(isNotable("scaler", "scaler info: eu-west forecast 35 rps exceeds 60 % of 40 rps capacity")).toBe(
      true,
    );
    expect(isNotable("predictor", "training eu-west-1/rps: serving holt-winters")).toBe(true);
    expect(isNotable("predictor", "2026-11-21T09:51:29.133Z predictor: worker: 8 scrape target(s)")).toBe(
      false,
    );
  });
});

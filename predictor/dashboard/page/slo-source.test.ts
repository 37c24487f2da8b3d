import { describe, expect, it } from "vitest";
import { sloTitle } from "./slo-source.ts";

const FILE = "/etc/headroom/slos/slos.yaml";

describe("the pool tab's SLO title", () => {
  it("says whether the SLO is the file's, an override of it, or set on the dashboard only", () => {
    const from = { sources: { a: "file", b: "override", c: "api" } as const, file: FILE };
    expect(sloTitle("a", "act", from)).toBe(`SLO mode act, as declared in ${FILE}`);
    expect(sloTitle("b", "advise", from)).toBe(
      `SLO mode advise: an override of ${FILE}, set here; if Redis loses its data the file's version returns`,
    );
    expect(sloTitle("c", "act", from)).toBe(
      `SLO mode act, set here only (not in ${FILE}: lost if Redis loses its data)`,
    );
  });

  it("says only the mode when the predictor has no SLOs file", () => {
    expect(sloTitle("a", "off", { sources: { a: "api" }, file: null })).toBe("SLO mode off");
  });
});

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  headlineComment,
  readSections,
  withSummary,
  writeBenchmarkSection,
} from "../../infra/bench/report.ts";
import { fillTemplate } from "../../infra/bench/template.ts";

const section = (name: string, title: string, ...headlines: string[]) =>
  `<!-- bench:${name}:start -->\n## ${title}\n\nSome prose.\n${headlines.join("\n")}\n<!-- bench:${name}:end -->`;

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the summary of BENCHMARKS.md", () => {
  it("lists each section's headlines against their targets, linked to the section", () => {
    const text = [
      "# Benchmarks\n",
      section(
        "fast",
        "Fast: it's quick",
        headlineComment({ figure: "1 µs", target: "under 2 µs", met: true }),
      ),
      section("slow", "Slow", headlineComment({ figure: "9 s | a lot", target: "under 1 s", met: false })),
      section("plain", "Plain"),
    ].join("\n\n");
    const summary = withSummary(text);
    expect(summary).toContain("| [Fast: it's quick](#fast-its-quick) | 1 µs | under 2 µs | met |");
    expect(summary).toContain("| [Slow](#slow) | 9 s \\| a lot | under 1 s | **not met** |");
    expect(summary).toContain("| [Plain](#plain) | no headline stated | | |");
    expect(summary.indexOf("<!-- bench:summary:start -->")).toBeLessThan(
      summary.indexOf("<!-- bench:fast:start"),
    );
    expect(withSummary(summary)).toBe(summary);
    expect(readSections(summary).map((s) => s.name)).toEqual(["fast", "slow", "plain"]);
  });

  it("follows a section that is rerun alone", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "bench-report-"));
    const file = path.join(dir, "BENCHMARKS.md");
    const before = headlineComment({ figure: "3 µs", target: "under 2 µs", met: false });
    await writeFile(
      file,
      withSummary(`# Benchmarks\n\n${section("fast", "Fast", before)}\n\n${section("other", "Other")}\n`),
    );
    const after = headlineComment({ figure: "1 µs", target: "under 2 µs", met: true });
    await writeBenchmarkSection(file, "fast", `## Fast\n\nRerun.\n${after}`);
    const text = await readFile(file, "utf8");
    expect(text).toContain("| [Fast](#fast) | 1 µs | under 2 µs | met |");
    expect(text).not.toContain("3 µs");
    expect(text).toContain("<!-- bench:other:start -->");
  });
});

describe("benchmark prose templates", () => {
  it("fills every placeholder, and refuses a missing or an unused value", () => {
    const values = { seconds: 6 };
    expect(fillTemplate("replayer-setup", values)).toContain(", 6 s per step.");
    expect(() => fillTemplate("replayer-setup")).toThrow("no value for {{seconds}}");
    expect(() => fillTemplate("replayer-setup", { ...values, extra: 1 })).toThrow("no placeholder for extra");
  });
});

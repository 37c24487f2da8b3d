// Every relative link of README.md, BENCHMARKS.md and docs/*.md names a file that exists, and
// every #anchor names a heading of its Markdown file, as GitHub renders them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const files = [
  "README.md",
  "BENCHMARKS.md",
  ...readdirSync(path.join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** The text outside fenced code blocks and inline code spans, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's heading anchors (github-slugger's rule): lower case, punctuation dropped, spaces to
 * hyphens, a repeated one numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const match of withoutFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = (match[1] ?? "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/[`*_]/g, (c) => (c === "_" ? c : ""));
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1] ?? "");
  return anchors;
}

/** The relative link targets of a Markdown file: `[text](target)` and `![alt](target)`. */
function relativeLinks(markdown: string): string[] {
  const targets = [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? "");
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe("links between the docs", () => {
  it.each(files)("%s: every relative link and anchor resolves", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    const broken: string[] = [];
    for (const target of relativeLinks(text)) {
      const [pathPart = "", anchor] = target.split("#", 2);
      const resolved =
        pathPart === "" ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), pathPart);
      if (!existsSync(resolved)) {
        broken.push(`${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith(".md")) {
        const anchors = headingAnchors(readFileSync(resolved, "utf8"));
        if (!anchors.has(decodeURIComponent(anchor))) broken.push(`${target}: no heading with this anchor`);
      }
    }
    expect(broken, `${file} has links that do not resolve`).toEqual([]);
  });

  it("makes anchors the way GitHub does", () => {
    const anchors = headingAnchors(
      "# Proxy overhead: direct vs NGINX vs the product's Worker\n## Replaying a trace: `npm run simulate`\n## A\n## A\n```\n# not a heading\n```\n",
    );
    expect([...anchors]).toEqual([
      "proxy-overhead-direct-vs-nginx-vs-the-products-worker",
      "replaying-a-trace-npm-run-simulate",
      "a",
      "a-1",
    ]);
  });
});

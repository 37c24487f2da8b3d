import { readFile, rename, writeFile } from "node:fs/promises";

/** A benchmark's headline: its figure against its target. Each section states its own in a
 * machine-readable comment, from which the summary at the top of BENCHMARKS.md is rebuilt. */
export type Headline = { figure: string; target: string; met: boolean };

/** The comment a section carries for one headline (JSON, so the summary can read it back). */
export function headlineComment(headline: Headline): string {
  return `<!-- headline: ${JSON.stringify(headline)} -->`;
}

const SUMMARY_START = "<!-- bench:summary:start -->";
const SUMMARY_END = "<!-- bench:summary:end -->";

/** GitHub's anchor of a heading (github-slugger's rule). */
function anchorOf(heading: string): string {
  return heading
    .replace(/`/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Each section of BENCHMARKS.md in file order: its title and the headlines it states. */
export function readSections(text: string): { name: string; title: string; headlines: Headline[] }[] {
  const sections = [];
  for (const match of text.matchAll(/<!-- bench:([\w-]+):start -->\n([\s\S]*?)<!-- bench:\1:end -->/g)) {
    const [, name = "", body = ""] = match;
    if (name === "summary") continue;
    const title = /^## (.+)$/m.exec(body)?.[1] ?? name;
    const headlines = [...body.matchAll(/<!-- headline: (\{.*?\}) -->/g)].map(
      (m) => JSON.parse(m[1] ?? "{}") as Headline,
    );
    sections.push({ name, title, headlines });
  }
  return sections;
}

/** The summary table: every section's headlines against their targets. */
export function summaryBlock(text: string): string {
  const rows = readSections(text).flatMap(({ title, headlines }) => {
    const link = `[${title.replaceAll("|", "\\|")}](#${anchorOf(title)})`;
    if (headlines.length === 0) return [`| ${link} | no headline stated | | |`];
    return headlines.map(
      (h, i) =>
        `| ${i === 0 ? link : ""} | ${h.figure.replaceAll("|", "\\|")} | ${h.target.replaceAll("|", "\\|")} | ${h.met ? "met" : "**not met**"} |`,
    );
  });
  return [
    SUMMARY_START,
    "## Summary",
    "",
    "Each benchmark's headline figure against its target, read from the sections below (rebuilt whenever a",
    "section is rewritten, or with `npm run bench -- --summary-only`).",
    "",
    "| benchmark | headline | target | met? |",
    "| --- | --- | --- | --- |",
    ...rows,
    SUMMARY_END,
  ].join("\n");
}

/** The file with its summary rebuilt: replaced in place, or put before the first section. */
export function withSummary(text: string): string {
  const block = summaryBlock(text);
  const from = text.indexOf(SUMMARY_START);
  const to = text.indexOf(SUMMARY_END);
  if (from >= 0 && to > from) return text.slice(0, from) + block + text.slice(to + SUMMARY_END.length);
  const first = text.indexOf("<!-- bench:");
  return first >= 0
    ? `${text.slice(0, first)}${block}\n\n${text.slice(first)}`
    : `${text.trimEnd()}\n\n${block}\n`;
}

async function replaceFile(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

/** Replaces (or appends) one benchmark's section of BENCHMARKS.md, between
 * `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`, leaving the other sections alone, and
 * rebuilds the summary at the top. */
export async function writeBenchmarkSection(file: string, name: string, markdown: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    text =
      "# Benchmarks\n\nWritten by `npm run bench`; each section is replaced by its benchmark's latest run.\n";
  }
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + block + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  await replaceFile(file, withSummary(next));
}

/** Rebuilds only the summary of BENCHMARKS.md from the sections it holds (`--summary-only`). */
export async function writeBenchmarkSummary(file: string): Promise<void> {
  await replaceFile(file, withSummary(await readFile(file, "utf8")));
}

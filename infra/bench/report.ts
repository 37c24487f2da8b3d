import { readFile, rename, writeFile } from "node:fs/promises";

/** Replaces (or appends) one benchmark's section of BENCHMARKS.md, between
 * `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`, leaving the other sections alone. */
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
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, next);
  await rename(temp, file);
}

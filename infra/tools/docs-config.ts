// `npm run docs:config`: writes docs/configuration.md from the settings definitions in the code
// (infra/tools/config-reference.ts). `--check` writes nothing and exits 1 when the file differs.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { configurationReference } from "./config-reference.ts";

const file = path.resolve(import.meta.dirname, "../../docs/configuration.md");
const text = configurationReference();
if (process.argv.includes("--check")) {
  const current = await readFile(file, "utf8").catch(() => "");
  if (current !== text) {
    process.stderr.write("docs:config: docs/configuration.md is out of date; run npm run docs:config\n");
    process.exitCode = 1;
  }
} else {
  await writeFile(file, text);
  process.stderr.write(`docs:config: wrote ${path.relative(process.cwd(), file)}\n`);
}

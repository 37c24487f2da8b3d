// The container image cannot be built here (no registry to pull node:22-slim from), so its
// definition is held to what is tested: its RUN lines are exactly the commands the production
// build test runs (infra/image/build-steps.ts), and it has the shape docs/deployment.md promises.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Dockerfile, Instruction } from "dockerfile-ast";
import { DockerfileParser, Env, JSONInstruction } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { COMPILED_ENTRIES, IMAGE_BUILD_STEPS } from "../../infra/image/build-steps.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const text = await readFile(path.join(ROOT, "Dockerfile"), "utf8");
const dockerfile: Dockerfile = DockerfileParser.parse(text);

/** The instructions of each stage, by the stage's name. */
function stages(): Map<string, Instruction[]> {
  const out = new Map<string, Instruction[]>();
  let current: Instruction[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      current = [];
      const from = dockerfile
        .getFROMs()
        .find((f) => f.getRange().start.line === instruction.getRange().start.line);
      out.set(from?.getBuildStage() ?? "", current);
    }
    current.push(instruction);
  }
  return out;
}

const runs = (instructions: Instruction[]) =>
  instructions.filter((i) => i.getKeyword() === "RUN").map((i) => i.getArgumentsContent());
const jsonArgs = (instructions: Instruction[], keyword: string) =>
  instructions
    .filter((i) => i.getKeyword() === keyword)
    .flatMap((i) => (i instanceof JSONInstruction ? i.getJSONStrings().map((s) => s.getJSONValue()) : []));
const env = (instructions: Instruction[]) =>
  Object.fromEntries(
    instructions
      .filter((i): i is Env => i instanceof Env)
      .flatMap((i) => i.getProperties().map((p) => [p.getName(), p.getValue()])),
  );

describe("the Dockerfile", () => {
  it("is a valid Dockerfile of two stages on node:22-slim", () => {
    expect(validate(text)).toEqual([]);
    expect(dockerfile.getFROMs().map((f) => [f.getImageName(), f.getImageTag(), f.getBuildStage()])).toEqual([
      ["node", "22-slim", "build"],
      ["node", "22-slim", "runtime"],
    ]);
  });

  it("runs exactly the commands the production build test runs, in order", () => {
    const byStage = stages();
    expect(runs(byStage.get("build") ?? [])).toEqual([...IMAGE_BUILD_STEPS.build]);
    expect(runs(byStage.get("runtime") ?? [])).toEqual([...IMAGE_BUILD_STEPS.runtime]);
    // The runtime stage takes only the bundles from the build stage.
    const copies = (byStage.get("runtime") ?? []).filter((i) => i.getKeyword() === "COPY");
    expect(copies.map((i) => i.getArgumentsContent())).toEqual([
      "package.json package-lock.json ./",
      "/app/dist ./dist",
    ]);
    expect(copies.map((i) => i.getTextContent().includes("--from=build"))).toEqual([false, true]);
  });

  it("runs as a non-root user, writes only under declared volumes, and starts a compiled service", () => {
    const runtime = stages().get("runtime") ?? [];
    const user = runtime.filter((i) => i.getKeyword() === "USER").map((i) => i.getArgumentsContent());
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    const volumes = jsonArgs(runtime, "VOLUME");
    expect(volumes).toEqual(["/data", "/tmp"]);
    const vars = env(runtime);
    for (const name of ["PREDICTOR_MODEL_DIR", "TMPDIR"])
      expect(
        volumes.some((volume) => vars[name]?.startsWith(volume)),
        name,
      ).toBe(true);
    expect(vars.NODE_ENV).toBe("production");
    expect(jsonArgs(runtime, "ENTRYPOINT")).toEqual(["node"]);
    expect(Object.values(COMPILED_ENTRIES)).toContain(jsonArgs(runtime, "CMD")[0]);
  });

  it("leaves node_modules and dist out of the build context, so the image builds its own", async () => {
    const ignored = (await readFile(path.join(ROOT, ".dockerignore"), "utf8"))
      .split("\n")
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", "dist", ".git", ".data", ".dev.vars"]));
  });
});

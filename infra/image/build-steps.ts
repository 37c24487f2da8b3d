/**
 * The commands the container image's build runs (Dockerfile's RUN lines, in order): the build
 * stage installs everything and bundles; the runtime stage installs only what the bundles need.
 * test/infra/production-build.test.ts runs the same commands and test/infra/image-definition.test.ts
 * checks the Dockerfile runs exactly these, so the image and the tested build cannot drift.
 */
export const IMAGE_BUILD_STEPS = {
  build: ["npm ci --no-audit --no-fund", "npm run build"],
  runtime: ["npm ci --omit=dev --no-audit --no-fund"],
} as const;

/** The compiled entry points, as the image's command names them. */
export const COMPILED_ENTRIES = {
  predictor: "dist/predictor/main.js",
  scaler: "dist/scaler/main.js",
} as const;

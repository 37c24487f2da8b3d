/** The Worker's vars and secret, for docs/configuration.md (`npm run docs:config`), which reads
 * their values in wrangler.toml's `[vars]` and `[env.dev.vars]`; a test keeps this list and
 * wrangler.toml in step. `readEnv` (edge/env.ts) reads them. */
export const EDGE_VARS: readonly { name: string; secret: boolean; help: string }[] = [
  {
    name: "ADMIN_TOKEN",
    secret: true,
    help:
      "bearer token of the admin API (16 characters or more); without one, every admin route but `healthz` " +
      "answers 404. `wrangler secret put ADMIN_TOKEN` (locally `.dev.vars` or `--var`)",
  },
  { name: "EXPOSE_ORIGIN", secret: false, help: "add `x-lb-origin: <origin id>` to answers" },
  {
    name: "TRUST_GEO_HEADER",
    secret: false,
    help:
      "let `x-lb-geo: <lat>,<lon>[,<country>]` stand in for `request.cf`: local runs only, " +
      "clients could steer themselves",
  },
  {
    name: "TEST_HOOKS",
    secret: false,
    help:
      "automated tests only: `x-lb-test-now: <epoch ms>` sets a request's clock and `x-lb-test-seed: <uint32>` " +
      "seeds its randomness (workerd freezes the clock and cannot seed `Math.random`). Never in a deployed Worker",
  },
];

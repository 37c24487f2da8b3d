// Lint: typescript-eslint's strict, type-aware rules (no any, no non-null assertions,
// no floating promises), applied to every TypeScript file of the package.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".wrangler/**",
      ".data/**",
      "edge/worker-configuration.d.ts",
      "predictor/dashboard/static/vendor/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-expect-error": "allow-with-description" }],
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex:
                "^(?!node:)(fs|path|http|https|net|os|crypto|child_process|stream|url|util|events|zlib|readline|worker_threads)(/.*)?$",
              message: "Use the node: prefix for Node built-ins.",
            },
          ],
        },
      ],
    },
  },
  {
    // The Worker and the contracts must bundle for workerd: no Node built-ins at all.
    files: ["edge/**/*.ts", "contracts/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^node:", message: "edge/ and contracts/ run in workerd: no Node built-ins." },
            {
              regex: "^(predictor|scaler|infra|node-shared)/|/(predictor|scaler|infra|node-shared)/",
              message: "edge/ and contracts/ import only contracts/ (node-shared/ needs Node).",
            },
          ],
        },
      ],
    },
  },
  {
    // The Node services' shared helpers (Redis watcher, HTTP errors, bearer check, bounded bodies):
    // they stand below predictor/, scaler/ and infra/, so they import only contracts/ and libraries.
    files: ["node-shared/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(predictor|scaler|infra|edge)/|/(predictor|scaler|infra|edge)/",
              message: "node-shared/ imports only contracts/ and libraries.",
            },
            {
              regex:
                "^(?!node:)(fs|path|http|https|net|os|crypto|child_process|stream|url|util|events|zlib|readline|worker_threads)(/.*)?$",
              message: "Use the node: prefix for Node built-ins.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["scaler/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "/predictor/(?!models/index)",
              message:
                "The scaler may use only the predictor's public models entry (predictor/models/index.ts).",
            },
            { regex: "/edge/", message: "The scaler talks to the edge over its admin API only." },
          ],
        },
      ],
    },
  },
  {
    files: ["predictor/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "/(scaler|edge)/", message: "The predictor does not import the scaler or the edge." },
          ],
        },
      ],
    },
  },
);

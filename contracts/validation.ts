import * as v from "valibot";

/** One problem found in an input: where (a path like `pools[0].origins[1].url`) and what. */
export type ValidationIssue = { path: string; message: string };

/** The outcome of validating untrusted data: the typed value, or every problem found. */
export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Thrown where invalid data must stop the caller; carries every issue. */
export class ValidationError extends Error {
  readonly what: string;
  readonly issues: ValidationIssue[];
  constructor(what: string, issues: ValidationIssue[]) {
    super(`${what} is invalid: ${issues.map(issueLine).join("; ")}`);
    this.name = "ValidationError";
    this.what = what;
    this.issues = issues;
  }

  /** The problems one per line, for a terminal. */
  listing(): string {
    return [`${this.what} is invalid:`, ...this.issues.map((issue) => `  ${issueLine(issue)}`)].join("\n");
  }
}

function issueLine(issue: ValidationIssue): string {
  return `${issue.path || "(root)"}: ${issue.message}`;
}

/** Formats a valibot issue path as `a.b[0].c` (the empty string for the root). */
export function formatIssuePath(path: readonly { key: unknown }[] | undefined): string {
  let out = "";
  for (const item of path ?? []) {
    const key = item.key;
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Validates `input` against a schema, collecting every issue rather than stopping at the first. */
export function validateWith<const S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): Validated<v.InferOutput<S>> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: formatIssuePath(issue.path),
      message: issueMessage(schema, issue),
    })),
  };
}

/** valibot's own words for a missing or unknown field ("Invalid key: Expected never but received
 * \"x\"") say neither what is wrong nor what would be right; these do. */
function issueMessage(schema: v.GenericSchema, issue: v.BaseIssue<unknown>): string {
  if (issue.type !== "strict_object" && issue.type !== "object" && issue.type !== "loose_object")
    return typeMessage(issue);
  const keys = (issue.path ?? []).map((item) => item.key);
  if (issue.expected === "never") {
    const known = fieldsAt(schema, keys.slice(0, -1));
    return known.length > 0 ? `is not a known field (expected ${known.join(", ")})` : "is not a known field";
  }
  if (issue.received === "undefined" && keys.length > 0) return "is required";
  return issue.message;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  Array: "a list",
  Object: "an object",
  null: "null",
  undefined: "missing",
};

/** "Invalid type: Expected string but received 1" as "must be a string, not 1" (valibot's words
 * echo the value too); a schema's own words pass through unchanged, since they never echo a
 * value that may be a secret. */
function typeMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.kind !== "schema" || !issue.message.startsWith("Invalid type:") || issue.expected === null)
    return issue.message;
  const expected =
    TYPE_WORDS[issue.expected] ??
    (issue.expected.includes("|") ? `one of ${issue.expected.replace(/^\((.*)\)$/, "$1")}` : issue.expected);
  return `must be ${expected}, not ${TYPE_WORDS[issue.received] ?? issue.received}`;
}

type SchemaNode = {
  type?: string;
  entries?: Record<string, SchemaNode>;
  wrapped?: SchemaNode;
  item?: SchemaNode;
  value?: SchemaNode;
  options?: SchemaNode[];
};

/** The field names of the object schema at `keys` inside `root` (through optional wrappers,
 * arrays, records and unions), or none when there is no single object there. */
function fieldsAt(root: v.GenericSchema, keys: readonly unknown[]): string[] {
  let nodes: SchemaNode[] = [root];
  for (const key of keys) {
    nodes = nodes.flatMap(unwrap).flatMap((node) => {
      if (node.entries)
        return typeof key === "string" && key in node.entries ? [node.entries[key] as SchemaNode] : [];
      if (node.item) return [node.item];
      if (node.value) return [node.value];
      return [];
    });
  }
  const names = new Set(nodes.flatMap(unwrap).flatMap((node) => Object.keys(node.entries ?? {})));
  return [...names];
}

function unwrap(node: SchemaNode): SchemaNode[] {
  if (node.wrapped) return unwrap(node.wrapped);
  if (node.options) return node.options.flatMap(unwrap);
  return [node];
}

/** The fields of a document that may not have its shape: `value` itself when it is a plain
 * object, else none. For rules across fields that also run when the shape is wrong, so one
 * answer lists every problem. */
export function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A document written to a URL that names it (`PUT /api/slos/:pool`): the body with `key` taken
 * from the path when it leaves it out, and an issue when it names another. */
export function keyFromPath(
  input: unknown,
  key: string,
  fromPath: string,
): { body: unknown; issues: ValidationIssue[] } {
  const fields = fieldsOf(input);
  if (fields !== input) return { body: input, issues: [] };
  if (!(key in fields)) return { body: { ...fields, [key]: fromPath }, issues: [] };
  const named = fields[key];
  return {
    body: input,
    issues:
      typeof named === "string" && named !== fromPath
        ? [{ path: key, message: `must match the ${key} in the URL ("${fromPath}")` }]
        : [],
  };
}

/** The items of a list that may not be one: `value` when it is an array, else none. */
export function itemsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** Parses JSON text, reporting a syntax error as a root issue instead of throwing. */
export function parseJsonText(text: string): Validated<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      issues: [
        { path: "", message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` },
      ],
    };
  }
}

/** An ISO-8601 timestamp with a time zone, as `Date.prototype.toISOString` writes it. */
export const isoTimestamp = v.pipe(
  v.string(),
  v.check(
    (text) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
      !Number.isNaN(Date.parse(text)),
    "must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-21T12:00:00.000Z",
  ),
);

/** A finite number within [min, max]. */
export function boundedNumber(min: number, max: number) {
  return v.pipe(
    v.number("must be a number"),
    v.finite("must be a finite number"),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
}

/** An integer within [min, max]. */
export function boundedInteger(min: number, max: number) {
  return v.pipe(
    v.number("must be a number"),
    v.integer("must be an integer"),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
}

/** A document version: a non-negative safe integer. */
export const documentVersion = boundedInteger(0, Number.MAX_SAFE_INTEGER);

/** A record (string keys, each value checked) that must be a plain JSON object. valibot's
 * `record` alone also accepts an array (its indices become keys "0", "1", ...), which is never a
 * valid document here. */
export function plainRecord<
  const K extends v.GenericSchema<string, string | number | symbol>,
  const V extends v.GenericSchema,
>(key: K, value: V) {
  return v.pipe(
    v.custom<Record<string, unknown>>(
      (input) => typeof input === "object" && input !== null && !Array.isArray(input),
      "must be an object (a map of names to values), not a list",
    ),
    v.record(key, value),
  );
}

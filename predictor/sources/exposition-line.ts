/**
 * The pieces one exposition line is made of (names, quoted strings, label sets), read the way
 * Prometheus's lexers read them (model/textparse/promlex.l and openmetricslex.l): the text format
 * skips spaces and tabs between any two tokens and lets label pairs go without commas, OpenMetrics
 * allows neither. A quoted string keeps an unknown escape (`\t`) as written, as Prometheus does.
 */

/** A line that breaks the format; `line` is 1-based. */
export class ExpositionError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "ExpositionError";
    this.line = line;
  }
}

export type MetricType =
  | "counter"
  | "gauge"
  | "histogram"
  | "summary"
  | "untyped"
  | "gaugehistogram"
  | "info"
  | "stateset"
  | "unknown";

/** One sample line: full sample name (`x_bucket` for a histogram's bucket), labels, value. */
export type Sample = { name: string; labels: Record<string, string>; value: number; timestamp?: number };

/** One parsed line: a sample, a HELP/TYPE/UNIT, or nothing (a comment or a blank line). */
export type Entry =
  | { kind: "sample"; sample: Sample }
  | { kind: "help"; name: string; text: string }
  | { kind: "type"; name: string; type: MetricType }
  | { kind: "eof" }
  | null;

export const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
/** What the decoder puts where a byte was not UTF-8 (only an error when the input had some). */
const REPLACEMENT = "\uFFFD";

/** A position in one line, with the reading steps both formats share. */
export class LineCursor {
  pos = 0;
  constructor(
    readonly text: string,
    readonly number: number,
    /** The input had bytes that are not UTF-8 (decoded as U+FFFD). */
    readonly invalidUtf8: boolean,
  ) {}

  peek(): string | undefined {
    return this.text[this.pos];
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  rest(): string {
    return this.text.slice(this.pos);
  }
  /** Skips spaces and tabs. */
  skipBlanks(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }
  /** Reads what the sticky pattern matches here, or null. */
  match(pattern: RegExp): string | null {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (!found || found[0] === "") return null;
    this.pos += found[0].length;
    return found[0];
  }
  fail(message: string): never {
    const line = this.text.length > 120 ? `${this.text.slice(0, 117)}...` : this.text;
    throw new ExpositionError(this.number, `${message} in ${JSON.stringify(line)}`);
  }
  /** Fails when `text` (a label value, a HELP text, a quoted name) held bytes that are not UTF-8. */
  checkUtf8(text: string, what: string): void {
    if (this.invalidUtf8 && text.includes(REPLACEMENT)) this.fail(`${what} is not valid UTF-8`);
  }

  /** Reads a double-quoted string; `\\`, `\"` and `\n` are unescaped, other escapes kept. */
  readQuoted(what: string): string {
    let out = "";
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const ch = this.text[i] ?? "";
      if (ch === '"') {
        this.pos = i + 1;
        this.checkUtf8(out, what);
        return out;
      }
      if (ch === "\\") {
        const next = this.text[i + 1];
        if (next === undefined) break;
        out += next === "n" ? "\n" : next === '"' || next === "\\" ? next : `\\${next}`;
        i++;
      } else out += ch;
    }
    return this.fail(`${what} has no closing quote`);
  }

  /**
   * Reads a label set after its `{` up to and including `}`. A quoted string standing alone is
   * the metric name (Prometheus 3's UTF-8 names); `name` is the one already read, if any.
   * Labels with an empty value are dropped, as Prometheus drops them.
   */
  readLabels(strict: boolean, name: string): { name: string; labels: Record<string, string> } {
    const labels: Record<string, string> = {};
    const blanks = () => {
      if (!strict) this.skipBlanks();
    };
    for (;;) {
      blanks();
      if (this.peek() === "}") {
        this.pos++;
        return { name, labels };
      }
      let label: string;
      const quoted = this.peek() === '"';
      if (quoted) label = this.readQuoted("a quoted name");
      else {
        const found = this.match(LABEL_NAME);
        if (found === null) return this.fail(`expected a label name or "}" at column ${this.pos + 1}`);
        label = found;
      }
      blanks();
      if (quoted && (this.peek() === "," || this.peek() === "}")) {
        if (name !== "") this.fail(`the metric name is given twice ("${name}" and "${label}")`);
        name = label;
        if (this.peek() === ",") this.pos++;
        continue;
      }
      if (this.peek() !== "=") this.fail(`expected "=" after the label name ${label}`);
      this.pos++;
      blanks();
      if (this.peek() !== '"') this.fail(`expected a double-quoted value for the label ${label}`);
      const value = this.readQuoted(`the value of the label ${label}`);
      if (label === "__name__")
        this.fail(`the label name __name__ is reserved for the metric name (give the name before "{")`);
      if (label in labels) this.fail(`the label ${label} is given twice`);
      if (value !== "") labels[label] = value;
      blanks();
      if (this.peek() === ",") {
        this.pos++;
        continue;
      }
      if (this.peek() === "}") continue;
      // Prometheus's text parser reads `{a="1" b="2"}` as two labels; OpenMetrics wants the comma.
      if (strict || this.atEnd()) this.fail(`expected "," or "}" after the value of the label ${label}`);
    }
  }
}

/** The metric name after `# HELP`/`# TYPE`/`# UNIT`: plain, or quoted (Prometheus 3). */
export function metaName(c: LineCursor, keyword: string): string {
  const name = c.peek() === '"' ? c.readQuoted("the quoted metric name") : c.match(METRIC_NAME);
  if (name === null) c.fail(`expected a metric name after # ${keyword}`);
  if (!c.atEnd() && c.peek() !== " " && c.peek() !== "\t") {
    const word = /^\S*/.exec(c.text.slice(c.pos - name.length))?.[0] ?? name;
    c.fail(`invalid metric name "${word}" in # ${keyword} (names are letters, digits, "_" and ":")`);
  }
  return name;
}

/** A sample's name and labels: `name`, `name{...}` or `{"name", ...}`. */
export function sampleHead(c: LineCursor, strict: boolean): { name: string; labels: Record<string, string> } {
  let name = "";
  if (c.peek() !== "{") {
    name =
      c.match(METRIC_NAME) ??
      c.fail(
        `expected a metric name, "{" or "#" at the start of the line (names are letters, digits, "_", ":")`,
      );
    if (!strict) c.skipBlanks();
  }
  let labels: Record<string, string> = {};
  if (c.peek() === "{") {
    c.pos++;
    ({ name, labels } = c.readLabels(strict, name));
  }
  if (name === "") c.fail("the metric name is missing (put it before the labels, or quoted inside them)");
  return { name, labels };
}

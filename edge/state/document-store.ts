import type { HealthReport } from "../../contracts/health-report.ts";
import type { ValidationIssue } from "../../contracts/validation.ts";
import type { WeightsOverlay } from "../../contracts/weights-overlay.ts";
import type { CompiledTable } from "../routing/compiled-table.ts";
import { judgeDocument } from "./document-judgement.ts";

export type DocumentName = "table" | "weights" | "health";
export const DOCUMENT_NAMES: readonly DocumentName[] = ["table", "weights", "health"];

/** A document the isolate could not use: it keeps serving from the last valid one. */
export type DocumentProblem = {
  document: DocumentName;
  message: string;
  since: number;
  issues?: ValidationIssue[];
};

/** The documents routing runs on; each is the last valid one read. */
export type Documents = {
  readonly table: CompiledTable | null;
  readonly overlay: WeightsOverlay | null;
  readonly health: HealthReport | null;
};

/** How one KV read went: the text (null when the key is absent) or the error. */
type Read = { ok: true; text: string | null } | { ok: false; error: string };

/** Reads a document's text; anything else is an error the store reports (never throws). */
export type DocumentReader = (name: DocumentName) => Promise<string | null>;

/**
 * The per-isolate cache of the three KV documents, refreshed after `ttlMs`. The request that
 * finds it stale reads KV (others keep the stale copy meanwhile: no request waits on another's
 * I/O); a read error, or a missing, invalid or older document, keeps the last valid one and is
 * reported once (see judgeDocument).
 */
export class DocumentStore {
  private documents: Documents = { table: null, overlay: null, health: null };
  private readonly texts = new Map<DocumentName, string | null>();
  private readonly problemsByName = new Map<DocumentName, DocumentProblem>();
  private loadedAt = -Infinity;
  private refreshing = false;

  constructor(
    private readonly read: DocumentReader,
    private readonly log: (message: string) => void,
    private readonly ttlMs = 5_000,
  ) {}

  /** The documents when the cache can answer at `now` without reading KV, else null: the
   * synchronous fast path of every proxied request (no promise when nothing is due). */
  cachedAt(now: number): Documents | null {
    const fresh = now - this.loadedAt < this.ttlMs && now >= this.loadedAt;
    return fresh || (this.refreshing && this.documents.table !== null) ? this.documents : null;
  }

  /** The documents at `now`, reading KV first when the cache is stale (or `force` says so). */
  async current(now: number, force = false): Promise<Documents> {
    if (!force) {
      const cached = this.cachedAt(now);
      if (cached) return cached;
    }
    this.refreshing = true;
    try {
      const reads = await Promise.all(DOCUMENT_NAMES.map((name) => this.readSafely(name)));
      DOCUMENT_NAMES.forEach((name, k) => {
        const result = reads[k];
        if (result) this.apply(name, result, now);
      });
      this.loadedAt = now;
    } finally {
      this.refreshing = false;
    }
    return this.documents;
  }

  /** Adopts a document this isolate just wrote (admin API, health check): it is the newest. */
  adopt(name: DocumentName, text: string, now: number): void {
    this.apply(name, { ok: true, text }, now, true);
  }

  /** The documents as last loaded, without reading KV. */
  get cached(): Documents {
    return this.documents;
  }

  /** Problems with the stored documents, oldest first. */
  get problems(): DocumentProblem[] {
    return [...this.problemsByName.values()];
  }

  private async readSafely(name: DocumentName): Promise<Read> {
    try {
      return { ok: true, text: await this.read(name) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private apply(name: DocumentName, result: Read, now: number, own = false): void {
    if (!result.ok) {
      this.problem(name, `KV read failed: ${result.error}; serving from the last valid documents`, now);
      return;
    }
    if (this.texts.has(name) && this.texts.get(name) === result.text) return;
    this.texts.set(name, result.text);
    const judged = judgeDocument(name, result.text, this.documents, own);
    if (judged.adopt) {
      this.problemsByName.delete(name);
      this.documents = judged.documents;
    } else if (judged.problem) this.problem(name, judged.problem.message, now, judged.problem.issues);
  }

  private problem(name: DocumentName, message: string, now: number, issues?: ValidationIssue[]): void {
    const previous = this.problemsByName.get(name);
    const detail = issues
      ? `${message}: ${issues
          .slice(0, 5)
          .map((issue) => `${issue.path || "(root)"}: ${issue.message}`)
          .join("; ")}`
      : message;
    if (previous?.message === message && JSON.stringify(previous.issues) === JSON.stringify(issues)) return;
    this.problemsByName.set(
      name,
      issues ? { document: name, message, since: now, issues } : { document: name, message, since: now },
    );
    this.log(`headroom-edge: ${name}: ${detail}`);
  }
}

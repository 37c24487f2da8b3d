import http from "node:http";
import https from "node:https";
import { RemoteCallError } from "../http/http-errors.ts";
import type { JsonAnswer } from "../http/fetch-json.ts";

/** TLS settings of one call: a private CA, a client certificate, or (never in production)
 * skipping verification. */
export type TlsOptions = { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };

// Certificate problems are configuration errors; retrying them only delays the message.
const TLS_CONFIG_ERRORS = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

/** An HTTP(S) call with Node's own client, for what fetch cannot do: a private CA and client
 * certificates. Network faults and timeouts are retryable; certificate errors are not. */
export function requestJson(
  url: string,
  options: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    tls?: TlsOptions;
    timeoutMs: number;
    what: string;
  },
): Promise<JsonAnswer> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise<JsonAnswer>((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: options.method,
        headers: {
          ...options.headers,
          ...(options.body !== undefined
            ? { "content-length": String(Buffer.byteLength(options.body)) }
            : {}),
        },
        timeout: options.timeoutMs,
        ...(target.protocol === "https:" ? options.tls : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error) => {
          reject(new RemoteCallError(`${options.what}: ${error.message}`, { retryable: true, cause: error }));
        });
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = text === "" ? undefined : (JSON.parse(text) as unknown);
          } catch {
            body = undefined;
          }
          resolve({ status: response.statusCode ?? 0, body, text });
        });
      },
    );
    request.on("timeout", () => {
      request.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
    });
    request.on("error", (error: Error & { code?: string }) => {
      const tls = error.code !== undefined && TLS_CONFIG_ERRORS.has(error.code);
      reject(
        new RemoteCallError(
          `${options.what}: ${error.message}${tls ? " (check the cluster's certificate authority)" : ""}`,
          { retryable: !tls, cause: error },
        ),
      );
    });
    request.end(options.body);
  });
}

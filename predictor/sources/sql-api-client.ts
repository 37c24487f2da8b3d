import { readBoundedText } from "../../node-shared/bounded-body.ts";

/** The answer of the Analytics Engine SQL API: its status and body (the body of an error too). */
export type SqlAnswer = { status: number; body: string };

/** Sends one SQL query; rejects only when the API could not be reached or did not answer. */
export type PostSql = (request: {
  url: string;
  token: string;
  sql: string;
  timeoutMs: number;
  maxBytes: number;
}) => Promise<SqlAnswer>;

/**
 * The default PostSql, as Cloudflare documents the SQL API: `POST <api>/accounts/<id>/analytics_engine/sql`
 * with `Authorization: Bearer <token>` and the query as the plain-text body. Redirects are not
 * followed: the token must go to the configured API and nowhere else.
 */
export const postSql: PostSql = async ({ url, token, sql, timeoutMs, maxBytes }) => {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/plain; charset=utf-8" },
      body: sql,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError")
      throw new Error(`the SQL API at ${url} did not answer within ${timeoutMs} ms`, { cause: error });
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new Error(
      `cannot reach the SQL API at ${url}: ${error instanceof Error ? error.message : String(error)}${cause}`,
      { cause: error },
    );
  }
  const body = await readBoundedText(
    response.body,
    maxBytes,
    () => new Error(`the SQL API's answer exceeds ${maxBytes} bytes`),
  );
  return { status: response.status, body };
};

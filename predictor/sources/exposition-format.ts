/** The two exposition formats Prometheus scrapes as text. */
export type ExpositionFormat = "text" | "openmetrics";

/**
 * The format a scrape answer is in, from its Content-Type, as Prometheus 2 chooses its parser:
 * `application/openmetrics-text` is OpenMetrics, anything else (text/plain; version=0.0.4, a
 * missing or unknown type) the text format.
 */
export function formatOfContentType(contentType: string | null | undefined): ExpositionFormat {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  return mediaType === "application/openmetrics-text" ? "openmetrics" : "text";
}

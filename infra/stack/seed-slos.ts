import type { Slo } from "../../contracts/index.ts";

/** Sets each pool's SLO through the predictor's own API (`PUT /api/slos/:pool`), so they pass
 * the same validation as an operator's edit; a refusal names the pool and the API's answer. */
export async function seedSlos(apiUrl: string, adminToken: string, slos: readonly Slo[]): Promise<void> {
  for (const slo of slos) {
    const response = await fetch(`${apiUrl}/slos/${encodeURIComponent(slo.pool)}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify(slo),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(
        `the predictor refused the SLO of pool ${slo.pool} (HTTP ${response.status}): ${text.slice(0, 500)}`,
      );
  }
}

import type { ClientLocation } from "../routing/geo.ts";

/** Where a request came from, as its analytics data point records it. */
export type ClientPlace = { country: string; colo: string };

const COLO = /^[A-Z]{3}$/;

/** The client's country (as routing read it) and the Cloudflare location that ran the Worker
 * (request.cf.colo, an IATA code); "" for what is unknown, as in a local run. */
export function clientPlace(request: Request, location: ClientLocation): ClientPlace {
  const colo = (request as { cf?: { colo?: unknown } }).cf?.colo;
  return { country: location.country ?? "", colo: typeof colo === "string" && COLO.test(colo) ? colo : "" };
}

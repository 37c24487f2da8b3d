/** Where the page is: the view, the pool (by its key) and the window, kept in the URL's hash so
 * a view can be bookmarked and shared. */
export type Route = { view: "live" | "review"; pool: string | null; minutes: number | null };

/** Reads `#/<view>/<pool key>?minutes=N`; anything unreadable falls back to the defaults. */
export function parseRoute(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?");
  const [, viewName = "", poolKey = ""] = path.split("/");
  const minutes = Number(new URLSearchParams(search).get("minutes"));
  let pool: string | null;
  try {
    pool = poolKey === "" ? null : decodeURIComponent(poolKey);
  } catch {
    pool = null;
  }
  return {
    view: viewName === "review" ? "review" : "live",
    pool,
    minutes: Number.isInteger(minutes) && minutes > 0 ? minutes : null,
  };
}

/** The hash of a route. */
export function routeHash(route: Route): string {
  const pool = route.pool === null ? "" : `/${encodeURIComponent(route.pool)}`;
  return `#/${route.view}${pool}${route.minutes !== null ? `?minutes=${route.minutes}` : ""}`;
}

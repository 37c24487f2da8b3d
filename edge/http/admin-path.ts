/** The admin API's prefix: `/__lb` and everything under `/__lb/` is the edge's own; nothing
 * there is ever proxied. */
export function isAdminPath(pathname: string): boolean {
  return pathname.startsWith("/__lb/") || pathname === "/__lb";
}

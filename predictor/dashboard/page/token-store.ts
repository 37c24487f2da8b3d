const KEY = "headroom.adminToken";

/**
 * The admin token the operator typed, for SLO writes. It lives in this tab's sessionStorage
 * (gone when the tab closes; never in localStorage or a cookie, never sent anywhere but as the
 * bearer header of a write to this predictor), or in memory when storage is unavailable.
 */
export class TokenStore {
  private memory: string | null = null;

  get(): string | null {
    try {
      return sessionStorage.getItem(KEY) ?? this.memory;
    } catch {
      return this.memory;
    }
  }

  set(token: string): void {
    this.memory = token;
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      // Storage disabled: the token stays in memory for this page only.
    }
  }

  forget(): void {
    this.memory = null;
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      // Nothing stored.
    }
  }
}

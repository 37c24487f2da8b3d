import { access } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";

/** Debian's Chromium: the only browser the tests drive (never a downloaded one). */
export const CHROMIUM = "/usr/bin/chromium";

/** Launches Debian's Chromium headless, failing with the fix when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(
      `The browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install chromium (CI's .ci/run installs it)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** What went wrong in a page: uncaught errors, console errors and Content-Security-Policy
 * violations (reported by the page's own `securitypolicyviolation` events). */
export type PageTrouble = { errors: string[]; violations(): Promise<string[]> };

/** Starts recording a page's trouble; call before its first navigation. */
export async function watchPage(page: Page): Promise<PageTrouble> {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return {
    errors,
    violations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  };
}

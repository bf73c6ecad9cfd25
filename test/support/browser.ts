import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's chromium, or CHROMIUM_PATH. CI (REQUIRE_BROWSER=1) fails when there is none. */
export const chromiumPath: string | null = CANDIDATES.find((p): p is string => !!p && existsSync(p)) ?? null;

if (!chromiumPath) {
  const msg = '找不到 Chromium（apt-get install chromium，或设置 CHROMIUM_PATH）';
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(msg);
  console.warn(`跳过浏览器测试：${msg}`);
}

/** Headless Chromium with the flags this closed network needs; Playwright gives it a fresh profile. */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath!,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

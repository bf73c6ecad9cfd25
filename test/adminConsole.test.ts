import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser } from './support/browser.js';
import { BotHarness } from './support/botHarness.js';

const TOKEN = 'admin-console-browser-token-0123';
const MANUAL = '001_ae071096d0a343be.txt';

describe.skipIf(!chromiumPath)('the admin page in headless Chromium', () => {
  let h: BotHarness;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  beforeAll(async () => {
    h = await new BotHarness({ noFeishu: true, env: { ADMIN_TOKEN: TOKEN } }).start();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await h.close();
  });

  it('logs in with the token, uploads a changed manual, shows the people change, switches it on and rolls it back', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.url}/admin/manuals`);
    await page.fill('input[name="token"]', TOKEN);
    await page.click('button[type="submit"]');
    await page.waitForSelector('input[type="file"]');

    const changed = join(h.dirs.root, MANUAL);
    writeFileSync(changed, readFileSync(join(h.dirs.seedsDir, 'manuals', MANUAL), 'utf8').replace('9-6-10\t王金峰\t杜振江', '9-6-10\t欧阳明\t杜振江'));
    await page.setInputFiles('input[type="file"]', changed);
    await page.click('form[action="/admin/manuals/upload"] button');
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).toContain('牵头人 王金峰 → 欧阳明');

    await page.click('button:has-text("启用")');
    await page.waitForLoadState('load');
    expect(h.bot.engine.ask('谁负责测绘作业证初审?').answers[0]?.lead).toEqual(['欧阳明']);

    await page.click('button:has-text("回滚")');
    await page.waitForLoadState('load');
    expect(h.bot.engine.ask('谁负责测绘作业证初审?').answers[0]?.lead).toEqual(['王金峰']);
    await page.close();
  });
});

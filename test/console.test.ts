import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness } from './support/botHarness.js';
import { chromiumPath, launchBrowser } from './support/browser.js';

describe.skipIf(!chromiumPath)('web console in headless Chromium', () => {
  let h: BotHarness;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  beforeAll(async () => {
    h = await new BotHarness({ noFeishu: true }).start();
    ({ browser, close: closeBrowser } = await launchBrowser());
  }, 60_000);
  afterAll(async () => {
    await closeBrowser?.();
    await h?.close();
  });

  it('answers a typed question with the post, the people and the steps', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.url}/`);
    await page.fill('#q', '谁负责测绘作业证初审?');
    await page.press('#q', 'Enter');
    const answer = page.locator('.answer').first();
    await answer.waitFor();
    const text = await answer.innerText();
    expect(text).toContain('王金峰');
    expect(text).toContain('业务岗6');
    expect(text).toContain('9-6-10');
    expect(await answer.locator('ol.steps li').count()).toBeGreaterThan(2);
    expect(text).toMatch(/来源：.+第 \d+ 行/);
    await page.close();
  });

  it('works on a phone-sized screen, with clickable examples and a not-found reply', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await page.goto(`${h.url}/`);
    await page.locator('#examples button').first().click();
    await page.locator('.answer').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.fill('#q', '食堂今天吃什么');
    await page.press('#q', 'Enter');
    await page.locator('.notfound').waitFor();
    expect(await page.locator('.notfound').innerText()).toContain('没有找到');
    await page.close();
  });

  it('links answers to a page per post and per person, with complete lists', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.url}/?q=${encodeURIComponent('谁负责测绘作业证初审?')}`);
    const answer = page.locator('.answer').first();
    await answer.waitFor();
    await answer.locator('a', { hasText: '业务岗6' }).click();
    await page.waitForURL(/\/post\//);
    expect(await page.locator('.card.item').count()).toBe(16);
    expect(await page.locator('body').innerText()).toContain('裴忠孝');
    await page.locator('a', { hasText: '杜振江' }).first().click();
    await page.waitForURL(/\/person\//);
    const person = await page.locator('body').innerText();
    expect(person).toContain('杜振江');
    expect(person).toMatch(/辅助 \d+ 项/);
    await page.goto(`${h.url}/units`);
    expect(await page.locator('.unit').count()).toBeGreaterThanOrEqual(6);
    const missing = await page.goto(`${h.url}/post/${encodeURIComponent('nope#1')}`);
    expect(missing!.status()).toBe(404);
    await page.close();
  });
});

// The HTML pages in a real browser (the system's Chromium, headless): they
// render with no console error, their links lead where they say (front page
// → article → category), a feed URL opened in the browser shows the preview,
// and axe-core finds no serious or critical accessibility violation.
// WIREFEED_SCREENSHOTS=DIR also saves what the pages look like (npm run screenshots).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { packageRoot } from '../../src/paths.js';
import { demoSite, launchChromium, noBrowser, openPage } from './chromium.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = process.env.WIREFEED_SCREENSHOTS ? join(packageRoot, process.env.WIREFEED_SCREENSHOTS) : undefined;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's violations on the page, serious and critical only. */
async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => String(n.target)) })))`)) as Violation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.$eval(selector, (el) => el.textContent)) ?? '').trim();
}

async function snap(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  // Pictures below the fold are lazy; a screenshot of the whole page should show them.
  await page.evaluate(`document.querySelectorAll('img[loading=lazy]').forEach((img) => { img.loading = 'eager'; })`);
  await page.waitForNetworkIdle({ idleTime: 100, timeout: 5000 });
  await page.screenshot({ path: join(screenshots, `${name}.png`) as `${string}.png`, fullPage: true });
}

describe('the pages in a real browser', { skip: noBrowser }, () => {
  let site: Awaited<ReturnType<typeof demoSite>>;
  let browser: Browser;

  before(async () => {
    site = await demoSite();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('front page → article → category: each renders, links lead where they say, no console error, nothing serious for axe', async () => {
    const { page, errors } = await openPage(browser, site.url);
    const front = await page.goto(`${site.url}/`);
    assert.equal(front?.status(), 200);
    assert.equal(await text(page, 'h1'), site.ctx.cfg.site.title);
    assert.deepEqual(await seriousViolations(page), [], 'front page');
    await snap(page, 'front');

    const headline = await text(page, '.stories h3 a');
    await Promise.all([page.waitForNavigation(), page.click('.stories h3 a')]);
    assert.match(new URL(page.url()).pathname, /^\/articles\/\d+$/);
    assert.equal(await text(page, 'h1'), headline);
    assert.ok(await page.$('article.full time[datetime]'), 'the article has its time');
    assert.deepEqual(await seriousViolations(page), [], 'article page');

    const category = await text(page, 'article.full .categories a');
    await Promise.all([page.waitForNavigation(), page.click('article.full .categories a')]);
    assert.match(new URL(page.url()).pathname, /^\/categories\/[\w-]+$/);
    assert.equal(await text(page, 'h1'), category);
    assert.ok((await page.$$('.stories > li')).length > 0, 'the category lists stories');
    assert.deepEqual(await seriousViolations(page), [], 'category page');
    await snap(page, 'category');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('an article with an image, caption, credit and related stories: screenshot and axe', async () => {
    const id = site.ctx.db
      .prepare("SELECT a.id FROM articles a WHERE a.image_caption IS NOT NULL AND a.image_credit IS NOT NULL AND EXISTS (SELECT 1 FROM related r WHERE r.article_id = a.id) ORDER BY a.id LIMIT 1")
      .pluck()
      .get() as number;
    const { page, errors } = await openPage(browser, site.url);
    assert.equal((await page.goto(`${site.url}/articles/${id}`))?.status(), 200);
    assert.ok(await page.$('figure figcaption .credit'));
    assert.ok(await page.$('section.related'));
    assert.deepEqual(await seriousViolations(page), [], 'article page');
    await snap(page, 'article');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a feed URL opened in the browser shows the readable preview (the browser\'s own Accept header), and a search works from the form', async () => {
    const { page, errors } = await openPage(browser, site.url);
    for (const path of ['/feeds/all.rss', '/feeds/categories/climate.atom', '/feeds/sources/harbor-wire.json']) {
      const res = await page.goto(`${site.url}${path}`);
      assert.equal(res?.status(), 200, path);
      assert.match(res?.headers()['content-type'] ?? '', /^text\/html/, path);
      assert.equal(await text(page, '.kind'), 'Feed preview');
      const copied = await page.$eval('.subscribe input', (el) => el.getAttribute('value'));
      assert.equal(copied, `${site.url}${path}`);
      assert.deepEqual(await seriousViolations(page), [], path);
      if (path === '/feeds/all.rss') await snap(page, 'feed-preview');
    }
    await page.goto(`${site.url}/`);
    await page.type('#q', 'flood barrier');
    await Promise.all([page.waitForNavigation(), page.click('form.search button')]);
    assert.equal(new URL(page.url()).pathname, '/search');
    assert.ok((await page.$$('.stories > li')).length > 0, 'the search finds stories');
    assert.deepEqual(await seriousViolations(page), [], 'search page');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the source status page renders under the pages\' policy (no inline style refused) and passes axe', async () => {
    const { page, errors } = await openPage(browser, site.url);
    assert.equal((await page.goto(`${site.url}/status`))?.status(), 200);
    assert.ok((await page.$$('table.status tbody tr')).length >= 3, 'a row per source');
    // The stylesheet applied: the table is laid out by pages.css, not the browser's defaults.
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('table.status')).borderCollapse`), 'collapse');
    assert.deepEqual(await seriousViolations(page), [], '/status');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('every link of our own on the front page answers', async () => {
    const { page } = await openPage(browser, site.url);
    await page.goto(`${site.url}/`);
    const hrefs = (await page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href') ?? ''))) as string[];
    const own = [...new Set(hrefs.map((h) => new URL(h, site.url).href).filter((h) => h.startsWith(site.url)))].map((h) => h.split('#')[0]!);
    assert.ok(own.length > 20, `${own.length} links`);
    for (const href of new Set(own)) {
      const res = await fetch(href, { headers: { accept: 'text/html,*/*;q=0.8' } });
      assert.ok(res.status < 400, `${href}: ${res.status}`);
    }
    await page.close();
  });
});

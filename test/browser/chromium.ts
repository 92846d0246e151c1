// The system's Chromium (Debian's `chromium` package), driven headless by
// puppeteer-core: no browser is downloaded. Where none is installed the
// browser tests are skipped, saying why.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createApp } from '../../src/http/app.js';
import { demoContext, type TestContext } from '../helpers.js';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser's path, or undefined when there is none. */
export function chromiumPath(): string | undefined {
  return candidates.find((path): path is string => !!path && existsSync(path));
}

export const noBrowser = chromiumPath() === undefined ? `no Chromium installed (looked for ${candidates.filter(Boolean).join(', ')}; set CHROMIUM_PATH)` : undefined;

export async function launchChromium(): Promise<Browser> {
  const args = ['--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'];
  // Chromium refuses to run as root with its sandbox on (containers, CI).
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return puppeteer.launch({ executablePath: chromiumPath(), headless: true, args, defaultViewport: { width: 1100, height: 900 } });
}

/** The demo content served on 127.0.0.1, with its base URL set to where it is served, so that every link works. */
export async function demoSite(): Promise<{ url: string; ctx: TestContext; close(): Promise<void> }> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctx = await demoContext(url);
  handler = createApp(ctx);
  return {
    url,
    ctx,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      ctx.close();
    },
  };
}

/** A grey picture with a mountain, answered for every image of another host: the tests have no internet. */
const placeholder = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" viewBox="0 0 640 400"><rect width="640" height="400" fill="#c9ced6"/><path d="M0 400 L220 170 L340 290 L430 210 L640 400Z" fill="#9aa3af"/><circle cx="500" cy="110" r="42" fill="#e3e6ea"/></svg>`;

/** A page whose requests stay on `origin`, recording every console error and uncaught exception. */
export async function openPage(browser: Browser, origin: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url ?? ''})`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${String(err)}`));
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url().startsWith(origin)) return void request.continue();
    if (request.resourceType() === 'image') return void request.respond({ status: 200, contentType: 'image/svg+xml', body: placeholder });
    void request.abort();
  });
  return { page, errors };
}

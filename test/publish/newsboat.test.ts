// What a person sees of an item in newsboat, a terminal feed reader that
// ignores Media RSS and our extensions: the real program, fetching our feed
// over loopback and showing the item in a terminal (tmux), must show the
// image's caption and credit, the categories and the related headlines
// (publish.metadata_in_html). Skipped, saying why, where newsboat or tmux is
// missing (.ci/run installs both).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';

const run = promisify(execFile);

async function missingTools(): Promise<string | undefined> {
  // Each one's version flag (tmux's -v would turn on its debug logs in the working folder).
  for (const [tool, version] of [
    ['newsboat', '-v'],
    ['tmux', '-V'],
  ] as const) {
    try {
      await run(tool, [version]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return `${tool} is not installed (apt-get install ${tool})`;
    }
  }
  return undefined;
}

const missing = await missingTools();

interface Shown {
  title: string;
  caption: string;
  credit: string;
  categories: string[];
  related: string[];
}

describe('newsboat shows the image caption, credit, categories and related headlines', { skip: missing }, () => {
  let ctx: TestContext;
  let server: Server;
  let origin = '';
  let home = '';
  const socket = `wirefeed-newsboat-${process.pid}`;
  let shown: Shown;

  before(async () => {
    const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
    // Public readers: summaries, so the extras must show without the full text.
    ctx = testContext(configWithSources(source, '', false));
    await runIngest(ctx, listSources(ctx.db));
    server = createServer(createApp(ctx));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    home = mkdtempSync(join(tmpdir(), 'wirefeed-newsboat-'));
    const row = ctx.db
      .prepare(
        `SELECT a.id, a.title, a.image_caption AS caption, a.image_credit AS credit FROM articles a
          WHERE a.image_caption IS NOT NULL AND a.image_credit IS NOT NULL AND EXISTS (SELECT 1 FROM related r WHERE r.article_id = a.id)
          ORDER BY a.id LIMIT 1`,
      )
      .get() as { id: number; title: string; caption: string; credit: string };
    assert.ok(row, 'a demo article with an image, caption, credit and related stories');
    const json = (await (await fetch(`${origin}/feeds/all.json?limit=200`)).json()) as {
      items: { id: string; _wirefeed: { categories: { label: string }[]; related: { title: string }[] } }[];
    };
    const item = json.items.find((i) => i.id.endsWith(`/articles/${row.id}`));
    assert.ok(item && item._wirefeed.related.length > 0);
    shown = { ...row, categories: item._wirefeed.categories.map((c) => c.label), related: item._wirefeed.related.map((r) => r.title) };
  });

  after(async () => {
    await run('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
    await new Promise((resolve) => server?.close(resolve));
    ctx?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** The terminal screen of newsboat showing the item titled `title` of the feed at `path`. */
  async function itemScreen(path: string, title: string): Promise<string> {
    const dir = mkdtempSync(join(home, 'reader-'));
    writeFileSync(join(dir, 'urls'), `${origin}${path}\n`);
    // No confirmation on quit; wide enough that a caption is not cut at the edge.
    writeFileSync(join(dir, 'config'), 'confirm-exit no\n');
    const env = { ...process.env, HOME: dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TERM: 'xterm' };
    const args = ['-u', 'urls', '-c', 'cache.db', '-C', 'config'];
    await run('newsboat', [...args, '-x', 'reload'], { cwd: dir, env, timeout: 30_000 });
    const session = `s${Date.now()}`;
    const tmux = (...a: string[]) => run('tmux', ['-L', socket, ...a], { cwd: dir, env });
    await tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '120', '-c', dir, `newsboat ${args.join(' ')}`);
    const screen = async () => (await tmux('capture-pane', '-p', '-t', session)).stdout;
    const waitFor = async (what: RegExp) => {
      for (let i = 0; i < 100; i++) {
        const text = await screen();
        if (what.test(text)) return text;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`newsboat never showed ${what}:\n${await screen()}`);
    };
    try {
      await waitFor(/Your feeds/);
      await tmux('send-keys', '-t', session, 'Enter');
      const list = await waitFor(/Articles in feed/);
      // The item's line number in the list, then open it.
      const line = list.split('\n').find((l) => l.includes(title));
      const number = line && /^\s*(\d+)/.exec(line)?.[1];
      assert.ok(number, `the item is in newsboat's list:\n${list}`);
      await tmux('send-keys', '-t', session, number, 'Enter');
      await tmux('send-keys', '-t', session, 'Enter');
      // Long lines wrap on the screen: join them to read the text as written.
      return (await waitFor(/Title: [\s\S]*Related:/)).replace(/\s+/g, ' ');
    } finally {
      await tmux('kill-session', '-t', session).catch(() => undefined);
    }
  }

  for (const format of ['rss', 'atom']) {
    test(`in ${format.toUpperCase()}`, async () => {
      const text = await itemScreen(`/feeds/all.${format}`, shown.title);
      assert.ok(text.includes(`Title: ${shown.title}`), text);
      assert.ok(text.includes(`${shown.caption} (${shown.credit})`), `caption and credit:\n${text}`);
      assert.ok(text.includes(`Categories: ${shown.categories.join(', ')}`), `categories:\n${text}`);
      for (const headline of shown.related) assert.ok(text.includes(`* ${headline}`), `related "${headline}":\n${text}`);
    });
  }
});

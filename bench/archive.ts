// Synthetic archives of N articles for the benchmarks, cached in data/bench/
// under a name that holds the schema (the migrations' version and a hash of
// their text) and this generator's version, so that a changed schema or
// generator makes a new file and an unchanged one is reused. Rows go in
// through our own prepared statements in big transactions; the schema's
// triggers (search index, content version) fire as for any writer.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../src/config/config.js';
import { packageRoot } from '../src/paths.js';
import { openContext } from '../src/context.js';
import { bodyText } from '../src/ingest/clean/body-text.js';
import { slugify } from '../src/ingest/classify/classify.js';
import { createLog } from '../src/observe/log.js';
import { listMigrations } from '../src/store/db/db.js';
import type { Db } from '../src/store/db/db.js';
import { Random, TextMaker } from './text.js';

/** Bump when the generated data changes, so that cached archives are rebuilt. */
export const GENERATOR_VERSION = 3;

export const benchDataDir = join(packageRoot, 'data', 'bench');

/** The last article's publication time: archives end here and reach back at about one article per five minutes. */
const ARCHIVE_END = Date.parse('2026-11-20T00:00:00Z');
const MEAN_INTERVAL_MS = 5 * 60_000;
const BATCH = 20_000;
const EXTRA_SOURCES = 16;

/** Category shares of the synthetic archive, by slug of the demo taxonomy. */
const categoryWeights: Record<string, number> = {
  world: 20, politics: 15, business: 15, climate: 8, transport: 8, science: 6, technology: 10, sports: 12, culture: 6,
};

export function schemaKey(): string {
  const migrations = listMigrations();
  const version = Math.max(0, ...migrations.map((m) => m.version));
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(m.name).update(m.sql);
  return `schema${version}-${hash.digest('hex').slice(0, 8)}-gen${GENERATOR_VERSION}`;
}

/** The demo configuration over another database file, logging nothing. */
export function benchConfig(databasePath: string, configPath?: string): Readonly<Config> {
  const env: NodeJS.ProcessEnv = { WIREFEED_DB: databasePath, WIREFEED_LOG_LEVEL: 'silent' };
  if (configPath) env.WIREFEED_CONFIG = configPath;
  return loadConfig(env);
}

export interface Archive {
  path: string;
  articles: number;
  /** Seconds spent generating it in this run; undefined when the cached file was used. */
  generatedSeconds?: number;
  bytes: number;
}

/** The cached archive of `count` articles, generated first when missing (stale ones of that size are deleted). */
export function ensureArchive(count: number, progress: (line: string) => void): Archive {
  mkdirSync(benchDataDir, { recursive: true });
  const name = `archive-${count}-${schemaKey()}.db`;
  const path = join(benchDataDir, name);
  if (existsSync(path)) return { path, articles: count, bytes: statSync(path).size };
  for (const stale of readdirSync(benchDataDir).filter((f) => f.startsWith(`archive-${count}-`) && !f.startsWith(name))) {
    rmSync(join(benchDataDir, stale), { force: true });
  }
  const started = performance.now();
  const partial = `${path}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  generateArchive(partial, count, progress);
  renameSync(partial, path);
  const generatedSeconds = (performance.now() - started) / 1000;
  return { path, articles: count, generatedSeconds, bytes: statSync(path).size };
}

function generateArchive(path: string, count: number, progress: (line: string) => void): void {
  const cfg = benchConfig(path);
  const { db } = openContext(cfg, createLog('silent'));
  // A scratch file until it is renamed: no journal, no fsync, a big page cache.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const random = new Random(count);
  const text = new TextMaker(random);
  const sources = addSources(db, text);
  const slugs = cfg.categories.map((c) => c.slug);
  const labels = new Map(cfg.categories.map((c) => [c.slug, c.label]));
  const tagPool = Array.from({ length: 3000 }, () => (random.chance(0.5) ? text.name() : `${text.name()} ${text.name()}`));
  const weights = slugs.map((s) => categoryWeights[s] ?? 5);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickCategory = () => {
    let r = random.next() * total;
    for (let i = 0; i < slugs.length; i++) if ((r -= weights[i]!) < 0) return slugs[i]!;
    return slugs[slugs.length - 1]!;
  };

  const insertArticle = db.prepare(
    `INSERT INTO articles (source_id, guid, url, title, summary, content_html, body_text, author, published_at, updated_at,
       first_seen_at, image_url, image_type, image_caption, image_credit, language, rights, upstream_categories, content_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertCategory = db.prepare('INSERT INTO article_categories (article_id, category_slug, published_at) VALUES (?, ?, ?)');
  const insertTag = db.prepare('INSERT OR IGNORE INTO article_tags (article_id, slug, label, published_at) VALUES (?, ?, ?, ?)');
  const insertRelated = db.prepare('INSERT INTO related (article_id, position, url, title, kind) VALUES (?, ?, ?, ?, ?)');
  const recent: { url: string; title: string }[] = [];
  let published = ARCHIVE_END - count * MEAN_INTERVAL_MS;
  const started = performance.now();

  for (let done = 0; done < count; ) {
    const end = Math.min(count, done + BATCH);
    db.transaction(() => {
      for (let i = done; i < end; i++) {
        published += Math.round(-Math.log(1 - random.next()) * MEAN_INTERVAL_MS);
        const source = sources[random.skewed(sources.length)]!;
        const categories = [pickCategory()];
        if (random.chance(0.3)) categories.push(pickCategory());
        const main = categories[0]!;
        const title = text.title(main);
        const day = new Date(published).toISOString().slice(0, 10).replaceAll('-', '/');
        const url = `${source.siteUrl}${day}/${slugify(title).slice(0, 60)}-${i}`;
        const hasImage = random.chance(0.6);
        const updated = random.chance(0.05) ? published + random.int(10, 600) * 60_000 : published;
        const html = text.contentHtml(main, url);
        const id = Number(
          insertArticle.run(
            source.id, url, url, title, text.prose(main, random.int(260, 340)), html, bodyText(html),
            random.chance(0.9) ? text.person() : null, published, updated, published + random.int(30, 900) * 1000,
            hasImage ? `${source.siteUrl}images/${i}.jpg` : null, hasImage ? 'image/jpeg' : null,
            hasImage ? text.sentence(main, 10, 18) : null, hasImage ? `AP Photo/${text.person()}` : null,
            'en', null, JSON.stringify(categories.map((c) => labels.get(c))),
            createHash('sha1').update(url).digest('hex'),
          ).lastInsertRowid,
        );
        for (const slug of new Set(categories)) insertCategory.run(id, slug, published);
        for (let t = random.int(0, 4); t > 0; t--) {
          const label = tagPool[random.skewed(tagPool.length)]!;
          insertTag.run(id, slugify(label), label, published);
        }
        if (recent.length > 0 && random.chance(0.25)) {
          const target = random.pick(recent);
          insertRelated.run(id, 0, target.url, target.title, 'explicit');
        }
        recent[i % 5000] = { url, title };
      }
    })();
    done = end;
    if (count >= 100_000 && (done % (count / 10) < BATCH || done === count)) {
      progress(`generating ${count.toLocaleString('en')} articles: ${Math.round((done / count) * 100)}% (${Math.round((performance.now() - started) / 1000)} s)`);
    }
  }
  db.pragma('journal_mode = WAL');
  db.close();
}

interface GeneratedSource {
  id: number;
  siteUrl: string;
}

/** The demo's configured sources plus wire feeds stored as an operator's import (origin 'opml'). */
function addSources(db: Db, text: TextMaker): GeneratedSource[] {
  const insert = db.prepare(
    "INSERT INTO sources (slug, name, url, site_url, origin) VALUES (?, ?, ?, ?, 'opml')",
  );
  for (let i = 1; i <= EXTRA_SOURCES; i++) {
    const name = `${text.name()} Wire`;
    insert.run(`bench-wire-${i}`, name, `https://wire${i}.example/feed.xml`, `https://wire${i}.example/`);
  }
  const rows = db.prepare('SELECT id, slug, site_url FROM sources ORDER BY id').all() as { id: number; slug: string; site_url: string | null }[];
  return rows.map((r) => ({ id: r.id, siteUrl: r.site_url ?? `https://${r.slug}.example/` }));
}

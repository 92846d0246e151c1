// Runs the current taxonomy and gazetteer over every stored article, from
// what classification started from (kept at ingest), without fetching
// anything: the way a changed taxonomy reaches the archive.
import type { Context } from '../context.js';
import { listClassificationRows, replaceClassification } from '../store/articles/classification.js';
import { classify } from './classify/classify.js';
import { markArticleChanged } from './relate/index.js';

export interface ReclassifyResult {
  seen: number;
  changed: number;
}

const BATCH = 1000;

export function reclassifyAll(ctx: Context): ReclassifyResult {
  const result: ReclassifyResult = { seen: 0, changed: 0 };
  for (let rows = listClassificationRows(ctx.db, 0, BATCH); rows.length > 0; rows = listClassificationRows(ctx.db, rows.at(-1)?.id ?? 0, BATCH)) {
    ctx.db.transaction(() => {
      for (const row of rows) {
        const next = classify(
          { title: row.title, summary: row.summary, upstreamCategories: row.upstreamCategories, tags: row.upstreamTags, sourceCategories: row.sourceCategories },
          ctx.cfg.categories,
          ctx.cfg.gazetteer,
        );
        result.seen++;
        if (sameSet(next.categories, row.categories) && sameSet(next.tags, row.tags)) continue;
        replaceClassification(ctx.db, row.id, row.publishedAt, next);
        markArticleChanged(ctx.db, row.id);
        result.changed++;
      }
    }).immediate();
  }
  ctx.log.info({ event: 'reclassified', articles_seen: result.seen, articles_changed: result.changed }, 'reclassified');
  return result;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

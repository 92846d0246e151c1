// What makes two versions of an article different upstream: store/articles/articles.ts
// compares it to tell a new, updated or unchanged article, and prepare/feed.ts
// remembers it for the entries it has prepared before.
import { createHash } from 'node:crypto';
import type { ArticleDraft } from '../../model.js';

/**
 * Dates we invent are left out, and so is our own classification (its
 * inputs count instead), so that a taxonomy change alone never makes an
 * article look updated. Enclosures count only when there are some: the
 * articles stored before they were kept hash as they did, and are not all
 * updated at once by the first ingest after the upgrade.
 */
export function contentHash(draft: ArticleDraft): string {
  const { url, title, summary, contentHtml, author, image, enclosures, upstreamCategories, upstreamTags, related, rights, language } = draft;
  const fields: unknown[] = [url, title, summary, contentHtml, author, image, upstreamCategories, upstreamTags, related, rights, language];
  if (enclosures?.length) fields.push(enclosures);
  // Counted only when set, so that the hash of every article with a URL of
  // its own stays what it was before the flag existed, while one stored
  // without the flag (db/migrations/016) is updated to carry it.
  if (draft.urlFallback) fields.push('url-fallback');
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

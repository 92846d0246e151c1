// One entry through normalize → sanitize → classify → explicit relate: the
// article draft that store saves. Shared by feed ingest and the admin API, so
// that an article is cleaned the same way whichever door it came in by.
import type { Context } from '../../context.js';
import type { ArticleDraft, Source } from '../../model.js';
import { classify } from '../classify/classify.js';
import { excerpt, normalizeEntry } from '../clean/normalize.js';
import type { ParsedEntry } from '../parse/parsed.js';
import { explicitRelated } from '../relate/relate.js';
import { sanitizeContent } from '../clean/sanitize.js';
import { bodyText } from '../clean/body-text.js';
import { capHtml } from '../clean/cap.js';
import { embargoOf } from '../clean/embargo.js';

export interface PrepareContext {
  /** Where the entry's relative links resolve. */
  baseUrl: string;
  /** The time of this ingest: stands in for a missing date. */
  now: Date;
  /** The feed's language and rights, for entries that name none. */
  language?: string;
  rights?: string;
}

export function prepareArticle(ctx: Pick<Context, 'cfg'>, source: Source, entry: ParsedEntry, p: PrepareContext): ArticleDraft {
  const { ingest } = ctx.cfg;
  const item = normalizeEntry(entry, { baseUrl: p.baseUrl, now: p.now, maxContentBytes: ingest.maxContentBytes });
  const sanitized = sanitizeContent(item.contentHtml, { baseUrl: item.baseUrl, boilerplate: ingest.boilerplate, iframeHosts: ingest.iframeHosts });
  const html = capHtml(sanitized.html, ingest.maxContentBytes);
  // Search indexes what is stored: the text of a cut body is read again.
  const content = html === sanitized.html ? sanitized : { ...sanitized, html, text: bodyText(html) };
  const cut = item.contentCutFrom ?? (html === sanitized.html ? undefined : Buffer.byteLength(item.contentHtml));
  const { categories, tags } = classify(
    { title: item.title, summary: item.summary, upstreamCategories: item.upstreamCategories, tags: item.tags, sourceCategories: source.categories },
    ctx.cfg.categories,
    ctx.cfg.gazetteer,
  );
  // The body's text: what search indexes, and the summary when the entry has none.
  const { text } = content;
  // Under embargo, it is published when the embargo ends, and not changed before.
  const embargo = embargoOf(entry, source.embargoAware === true, p.now);
  const dates = embargo ? { publishedAt: embargo, updatedAt: embargo, embargoUntil: embargo } : {};
  return {
    ...item,
    upstreamTags: item.tags,
    summary: item.summary ?? excerpt(text || undefined) ?? '',
    contentHtml: content.html,
    bodyText: text,
    categories,
    tags,
    related: explicitRelated(item.url, [...item.related, ...content.related]),
    language: p.language,
    rights: item.rights ?? p.rights,
    contentCutFrom: cut,
    ...dates,
  };
}

// One article as JSON (snake_case), for /articles/{id}.json and an
// /articles/{id} asked for as JSON: the fields a feed item carries, the
// related stories with why each is related, and the body only when the
// reader may have the full text (http/partner.ts decides; this module only
// obeys). Built field by field, never by spreading the stored article, so
// that a column added to the store is not published by accident.
import type { Article } from '../model.js';
import type { CorrectionNotice } from './document.js';
import { jsonCorrection } from './partner/corrections.js';
import { relatedReason, relatedScore } from './related-why.js';
import { isHttpUrl } from './renderable.js';

/** `correction`: a partner's notice of a recent correction (http/feeds.ts correctionsOf), as JSON Feed's `_wirefeed.correction`. */
export function articleJson(article: Article, baseUrl: string, fullText: boolean, correction?: CorrectionNotice): Record<string, unknown> {
  return {
    id: `${baseUrl}/articles/${article.id}`,
    url: article.url,
    title: article.title,
    summary: article.summary,
    ...(fullText ? { content_html: article.contentHtml } : {}),
    author: article.author ?? null,
    published: article.publishedAt.toISOString(),
    updated: article.updatedAt.toISOString(),
    // Only the admin and a partner permitted to see it early read it before its embargo ends.
    ...(article.embargoUntil ? { embargo_until: article.embargoUntil.toISOString() } : {}),
    // Partners only: the public answers carry no notice, only the changed article.
    ...(correction ? { correction: jsonCorrection(correction) } : {}),
    language: article.language ?? null,
    ...(fullText ? { rights: article.rights ?? null } : {}),
    image: article.image
      ? { url: article.image.url, type: article.image.type ?? null, caption: article.image.caption ?? null, credit: article.image.credit ?? null }
      : null,
    // Media files other than the image; only http(s) ones, whatever the row holds.
    enclosures: (article.enclosures ?? [])
      .filter((e) => isHttpUrl(e.url))
      .map((e) => ({ url: e.url, type: e.type, length: e.length ?? null, title: e.title ?? null, duration_seconds: e.durationSeconds ?? null })),
    categories: article.categories.map((c) => ({ slug: c.slug, label: c.label })),
    tags: article.tags,
    source: {
      slug: article.source.slug,
      name: article.source.name,
      site_url: article.source.siteUrl ?? null,
      // Our own feed of the source: the upstream feed URL may carry a licensed wire's key.
      feed_url: `${baseUrl}/feeds/sources/${article.source.slug}.rss`,
    },
    // Only http(s) links, as in the feeds (publish/renderable.ts), whatever the row holds.
    related: article.related
      .filter((r) => isHttpUrl(r.url))
      .map((r) => ({
        id: r.articleId === undefined ? null : `${baseUrl}/articles/${r.articleId}`,
        url: r.url,
        title: r.title,
        kind: r.kind,
        why: relatedReason(r),
        score: relatedScore(r.score),
        // What relate stored, as it stored it: it holds only what relate saw in published text.
        evidence: r.evidence ?? null,
        pinned: r.pinned === true,
      })),
  };
}

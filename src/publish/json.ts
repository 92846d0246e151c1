// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). The `feed` package
// writes 1.0 only (a single `author`, the 1.0 version URL), so this format
// is written here directly; see feed-gaps.ts for the other gaps.
import type { Article } from '../model.js';
import { type FeedDocument, hasHtmlBody, itemBodyHtml, itemId, killText, killTitle, type Tombstone } from './document.js';
import { imageType } from './feed-gaps.js';
import { jsonCorrection } from './partner/corrections.js';
import { relatedScore } from './related-why.js';

export function renderJson(doc: FeedDocument): string {
  return JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: doc.title,
      home_page_url: doc.homeUrl,
      feed_url: doc.urls.json,
      // JSON Feed pages only forward, to older items.
      ...(doc.pages.json.next ? { next_url: doc.pages.json.next } : {}),
      description: doc.description,
      language: doc.language,
      authors: [{ name: doc.author }],
      ...(doc.hub ? { hubs: [{ type: 'WebSub', url: doc.hub }] } : {}),
      // Kill notices first, as in RSS: they are the newest news about the feed's items.
      items: [...(doc.killNotices ? doc.tombstones.map((t) => killItem(doc, t)) : []), ...doc.items.map((a) => jsonItem(doc, a))],
    },
    null,
    2,
  );
}

function jsonItem(doc: FeedDocument, a: Article): Record<string, unknown> {
  const withBody = hasHtmlBody(doc, a);
  const correction = doc.corrections.get(a.id);
  // The image first, as before, then every other media file.
  const attachments = [
    ...(a.image ? [{ url: a.image.url, mime_type: imageType(a.image.url, a.image.type) }] : []),
    ...(a.enclosures ?? []).map((e) => ({
      url: e.url,
      mime_type: e.type,
      ...(e.title ? { title: e.title } : {}),
      ...(e.length ? { size_in_bytes: e.length } : {}),
      ...(e.durationSeconds !== undefined ? { duration_in_seconds: e.durationSeconds } : {}),
    })),
  ];
  return {
    id: itemId(doc, a),
    url: a.url,
    title: a.title,
    summary: a.summary,
    // 1.1 requires content_html or content_text: the summary stands in when
    // there is nothing more to show (no full text for this reader, no metadata in the body).
    ...(withBody ? { content_html: itemBodyHtml(doc, a) } : { content_text: a.summary }),
    date_published: a.publishedAt.toISOString(),
    date_modified: a.updatedAt.toISOString(),
    ...(a.author ? { authors: [{ name: a.author }] } : {}),
    tags: [...a.categories.map((c) => c.label), ...a.tags],
    ...(a.language ? { language: a.language } : {}),
    ...(a.image ? { image: a.image.url } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    _wirefeed: {
      categories: a.categories.map((c) => ({ slug: c.slug, label: c.label, scheme: doc.categoryScheme })),
      // `why` is the kind under the name issue 18 gives it; the evidence is for /articles/{id}, which is fetched one at a time.
      related: a.related.map((r) => ({
        ...(r.articleId !== undefined ? { id: itemId(doc, { id: r.articleId }) } : {}),
        url: r.url,
        title: r.title,
        kind: r.kind,
        why: r.kind,
        score: relatedScore(r.score),
        ...(r.pinned ? { pinned: true } : {}),
      })),
      ...(a.image ? { image: { url: a.image.url, caption: a.image.caption ?? null, credit: a.image.credit ?? null } } : {}),
      source: { slug: a.source.slug, name: a.source.name, home_page_url: a.source.siteUrl ?? null, feed_url: `${doc.baseUrl}/feeds/sources/${a.source.slug}.json` },
      ...(doc.fullText && a.rights ? { rights: a.rights } : {}),
      // Only a partner permitted to see it before its time gets it: held until then.
      ...(a.embargoUntil ? { embargo: { until: a.embargoUntil.toISOString() } } : {}),
      // A partner's notice of a recent correction (partner/corrections.ts).
      ...(correction ? { correction: jsonCorrection(correction) } : {}),
    },
  };
}

/** A partner's notice that an item was withdrawn: the `id` the item had, and `_wirefeed.killed` for machines. */
function killItem(doc: FeedDocument, t: Tombstone): Record<string, unknown> {
  const at = t.withdrawnAt.toISOString();
  return {
    id: itemId(doc, t),
    title: killTitle(t),
    content_text: killText(t),
    date_published: at,
    date_modified: at,
    _wirefeed: { killed: { at, reason: t.reason ?? null } },
  };
}

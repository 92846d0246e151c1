// IPTC ninjs 2.0 (News in JSON, https://iptc.org/standards/ninjs/) for
// partners: each item is one ninjs object; the page around them is ours,
// since ninjs describes single news items and has no feed of its own.
// Partner-only formats live in this folder (http/feeds.ts refuses them to
// the public). The mapping, field by field, is in README "ninjs for partners".
//
// ninjs 2.0 has neither `bylines` nor `links` (those came in 3.0), and its
// top level admits no other properties: the byline goes in `by`, the
// original story is an HTML rendition, related stories are associations.
import { slugify } from '../../ingest/classify/classify.js';
import type { Article, Enclosure, Related } from '../../model.js';
import { type FeedDocument, itemId, type Tombstone } from '../document.js';
import { imageType } from '../feed-gaps.js';
import { ninjsCorrection } from './corrections.js';

type NinjsObject = Record<string, unknown>;

const standard = { name: 'ninjs', version: '2.0', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json' };

export function renderNinjs(doc: FeedDocument): string {
  const pages = doc.pages.ninjs;
  return JSON.stringify(
    {
      uri: doc.id,
      self: doc.urls.ninjs,
      headline: doc.title,
      description: doc.description,
      versioncreated: doc.updated.toISOString(),
      language: doc.language,
      ...(pages.first ? { first: pages.first } : {}),
      ...(pages.previous ? { previous: pages.previous } : {}),
      ...(pages.next ? { next: pages.next } : {}),
      // Kill notices first, as in RSS and JSON Feed.
      items: [...(doc.killNotices ? doc.tombstones.map((t) => killItem(doc, t)) : []), ...doc.items.map((a) => ninjsItem(doc, a))],
    },
    null,
    2,
  );
}

function ninjsItem(doc: FeedDocument, a: Article): NinjsObject {
  const fullText = doc.fullText && a.contentHtml !== '';
  const correction = doc.corrections.get(a.id);
  const corrected = correction ? ninjsCorrection(correction) : { headlines: [], descriptions: [] };
  const descriptions = [...(a.summary ? [{ role: 'summary', contenttype: 'text/plain', value: a.summary }] : []), ...corrected.descriptions];
  const associations = [
    ...(a.image ? [imageAssociation(a)] : []),
    ...(a.enclosures ?? []).map(enclosureAssociation),
    ...a.related.map((r, i) => relatedAssociation(doc, r, i)),
  ];
  return {
    standard,
    uri: itemId(doc, a),
    type: 'text',
    // `partial` when this partner's tier leaves the full text out: the summary alone is sent.
    representationtype: fullText ? 'full' : 'partial',
    // Grows with every stored change: the update time in whole seconds (no revision count is stored).
    version: String(Math.floor(a.updatedAt.getTime() / 1000)),
    firstcreated: a.publishedAt.toISOString(),
    versioncreated: a.updatedAt.toISOString(),
    contentcreated: a.publishedAt.toISOString(),
    pubstatus: 'usable',
    // Only a partner permitted to see it before its time gets it: not to be published before then.
    ...(a.embargoUntil ? { embargoed: a.embargoUntil.toISOString() } : {}),
    language: a.language ?? doc.language,
    headlines: [{ role: 'main', value: a.title }, ...corrected.headlines],
    ...(a.author ? { by: a.author } : {}),
    // A partner's notice of a recent correction follows the summary (partner/corrections.ts).
    ...(descriptions.length > 0 ? { descriptions } : {}),
    // The full text only where fullTextAllowed said so (http/partner.ts); never the summary dressed as a body.
    ...(fullText ? { bodies: [{ role: 'main', contenttype: 'text/html', value: a.contentHtml }] } : {}),
    ...copyright(doc, a, fullText),
    // Categories under {base}/categories, tags under {base}/tags: the URI says which is which.
    subjects: [
      ...a.categories.map((c) => ({ name: c.label, uri: `${doc.categoryScheme}/${c.slug}`, literal: c.slug })),
      ...a.tags.map((t) => tagSubject(doc, t)),
    ],
    // Tags the gazetteer says are places, people or organisations (config `tags[].kind`), also as those; every tag stays a subject.
    ...namedEntities(doc, a.tags),
    infosources: [{ name: a.source.name, uri: `${doc.baseUrl}/sources/${a.source.slug}`, literal: a.source.slug }],
    // The story on its publisher's site: ninjs 2.0 names no link but a rendition.
    renditions: [{ name: 'web', href: a.url, contenttype: 'text/html' }],
    ...(associations.length > 0 ? { associations } : {}),
  };
}

/**
 * A withdrawn item: the same `uri`, pubstatus `canceled` (ninjs 2.0's value
 * for an item that must no longer be used), a version made at the
 * withdrawal, and the publisher's reason as a description.
 */
function killItem(doc: FeedDocument, t: Tombstone): NinjsObject {
  return {
    standard,
    uri: itemId(doc, t),
    type: 'text',
    version: String(Math.floor(t.withdrawnAt.getTime() / 1000)),
    versioncreated: t.withdrawnAt.toISOString(),
    pubstatus: 'canceled',
    headlines: [{ role: 'main', value: t.title }],
    ...(t.reason ? { descriptions: [{ role: 'kill-reason', contenttype: 'text/plain', value: t.reason }] } : {}),
  };
}

/** The article's own rights travel with its full text, as in the other formats; else the site's. */
function copyright(doc: FeedDocument, a: Article, fullText: boolean): NinjsObject {
  const notice = fullText && a.rights ? a.rights : doc.rights;
  return notice ? { copyrightnotice: notice } : {};
}

const ENTITY_FIELDS = { place: 'places', person: 'people', organisation: 'organisations' } as const;

/** ninjs `places`, `people` and `organisations`: the tags whose kind the gazetteer knows, as the same concept as their subject. */
function namedEntities(doc: FeedDocument, tags: readonly string[]): NinjsObject {
  const fields: NinjsObject = {};
  for (const tag of tags) {
    const kind = doc.tagKinds.get(slugify(tag));
    if (kind === undefined) continue;
    const field = ENTITY_FIELDS[kind];
    ((fields[field] ??= []) as NinjsObject[]).push(tagSubject(doc, tag));
  }
  return fields;
}

/** A tag as a subject under {base}/tags: its slug is the one of its page and feed. */
function tagSubject(doc: FeedDocument, tag: string): NinjsObject {
  const slug = slugify(tag);
  return { name: tag, uri: `${doc.baseUrl}/tags/${encodeURIComponent(slug)}`, literal: slug };
}

function imageAssociation(a: Article): NinjsObject {
  const image = a.image!;
  return {
    name: 'image',
    uri: image.url,
    type: 'picture',
    renditions: [{ name: 'original', href: image.url, contenttype: imageType(image.url, image.type) }],
    ...(image.caption ? { descriptions: [{ role: 'caption', value: image.caption }] } : {}),
    // A credit line ("AP Photo/…") names the photographer or agency: ninjs `by`.
    ...(image.credit ? { by: image.credit } : {}),
  };
}

/** ninjs types for a media file; a document (PDF) has none, and is left untyped. */
function mediaType(type: string): string | undefined {
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('image/')) return 'picture';
  return undefined;
}

function enclosureAssociation(e: Enclosure, i: number): NinjsObject {
  const type = mediaType(e.type);
  const rendition = {
    name: 'original',
    href: e.url,
    contenttype: e.type,
    ...(e.length ? { sizeinbytes: e.length } : {}),
    ...(e.durationSeconds !== undefined ? { duration: e.durationSeconds } : {}),
  };
  return { name: `media-${i + 1}`, uri: e.url, ...(type ? { type } : {}), ...(e.title ? { title: e.title } : {}), renditions: [rendition] };
}

/** A related story: one of ours by its item URI, another site's by its URL; why it is related as a description. */
function relatedAssociation(doc: FeedDocument, r: Related, i: number): NinjsObject {
  return {
    name: `related-${i + 1}`,
    uri: r.articleId !== undefined ? itemId(doc, { id: r.articleId }) : r.url,
    type: 'text',
    headlines: [{ role: 'main', value: r.title }],
    descriptions: [{ role: 'relation', value: r.kind }],
    renditions: [{ name: 'web', href: r.url, contenttype: 'text/html' }],
  };
}

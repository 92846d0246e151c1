// Renders a feed document in the asked format.
import { renderAtom } from './atom.js';
import type { FeedDocument, FeedFormat } from './document.js';
import { renderJson } from './json.js';
import { renderRss } from './rss.js';

const renderers: Record<FeedFormat, (doc: FeedDocument) => string> = { rss: renderRss, atom: renderAtom, json: renderJson };

export function renderFeed(doc: FeedDocument, format: FeedFormat): string {
  return renderers[format](doc);
}

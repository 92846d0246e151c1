// Renders a feed document in the asked format. Items are checked before
// they get here (renderable.ts); should one still break a renderer, the
// items are rendered one at a time to find it, and the feed is served
// without it: one stored item never costs the whole feed (issue 14).
import type { Log } from '../observe/log.js';
import { renderAtom } from './atom.js';
import type { FeedDocument, RenderFormat } from './document.js';
import { renderJson } from './json.js';
import { renderNinjs } from './partner/ninjs.js';
import { renderRss } from './rss.js';

const renderers: Record<RenderFormat, (doc: FeedDocument) => string> = { rss: renderRss, atom: renderAtom, json: renderJson, ninjs: renderNinjs };

export function renderFeed(doc: FeedDocument, format: RenderFormat, log: Log): string {
  const render = renderers[format];
  try {
    return render(doc);
  } catch (err) {
    if (doc.items.length === 0) throw err;
    // The last resort, and slow: a render per item. An error that is not
    // any one item's (the channel's) is thrown again by the final render.
    const kept = doc.items.filter((article) => {
      try {
        render({ ...doc, items: [article] });
        return true;
      } catch (itemErr) {
        const reason = `the ${format} renderer failed: ${itemErr instanceof Error ? itemErr.message : String(itemErr)}`;
        log.warn({ event: 'feed_item_dropped', article_id: article.id, reason }, 'publish: item left out of the feed');
        return false;
      }
    });
    return render({ ...doc, items: kept });
  }
}

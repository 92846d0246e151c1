// Related stories, first version: the explicit ones an article names itself
// (front matter, Atom link rel="related", the inline "Related:" line), in
// that order, once each, never the article itself. Links to articles we hold
// resolve to them when published (store/feeds joins on the URL).
import type { RelatedRef } from '../model.js';
import { canonicalUrl } from './normalize.js';

export function explicitRelated(
  articleUrl: string,
  candidates: readonly { url: string; title?: string }[],
): RelatedRef[] {
  const seen = new Set([articleUrl]);
  const related: RelatedRef[] = [];
  for (const candidate of candidates) {
    const url = canonicalUrl(candidate.url, articleUrl);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    related.push({ url, title: candidate.title || undefined, kind: 'explicit' });
  }
  return related;
}

// A list of stories, as the front, category, source, tag, search and feed
// preview pages show them: headline linking to the article page, image,
// byline, source, time, summary (the public summary: never the body) and
// categories.
import type { Article } from '../model.js';
import { isHttpUrl } from '../publish/renderable.js';
import { esc, time } from './html.js';

export function storyList(root: string, articles: readonly Article[], headingLevel: 2 | 3 = 2): string {
  if (articles.length === 0) return '<p class="empty">No stories yet.</p>';
  return `<ol class="stories">
${articles.map((a) => `<li>${storyCard(root, a, headingLevel)}</li>`).join('\n')}
</ol>`;
}

function storyCard(root: string, a: Article, level: 2 | 3): string {
  const image = a.image && isHttpUrl(a.image.url) ? `<img src="${esc(a.image.url)}" alt="" loading="lazy">` : '';
  return `<article class="story${image ? ' with-image' : ''}">
  ${image}
  <div>
  <h${level}><a href="${esc(root)}/articles/${a.id}">${esc(a.title)}</a></h${level}>
  <p class="meta">${byline(root, a)}</p>
  ${a.summary ? `<p>${esc(a.summary)}</p>` : ''}
  ${categoryLinks(root, a)}
  </div>
</article>`;
}

/** "By Ana Ruiz · Harbor Wire · 5 Dec 2026, 14:05 UTC". */
export function byline(root: string, a: Article): string {
  return [
    a.author ? `<span class="author">By ${esc(a.author)}</span>` : '',
    `<a href="${esc(root)}/sources/${esc(encodeURIComponent(a.source.slug))}">${esc(a.source.name)}</a>`,
    time(a.publishedAt),
  ]
    .filter((part) => part !== '')
    .join(' · ');
}

export function categoryLinks(root: string, a: Article): string {
  if (a.categories.length === 0) return '';
  const links = a.categories.map((c) => `<li><a href="${esc(root)}/categories/${esc(encodeURIComponent(c.slug))}">${esc(c.label)}</a></li>`);
  return `<ul class="categories" aria-label="Categories">${links.join('')}</ul>`;
}

/** The link to the page of stories older than these, when there are any. */
export function olderLink(path: string, cursor: string | undefined, extra: Record<string, string> = {}): string {
  if (cursor === undefined) return '';
  const query = new URLSearchParams({ ...extra, cursor });
  return `<p class="pager"><a rel="next" href="${esc(`${path}?${query}`)}">Older stories</a></p>`;
}

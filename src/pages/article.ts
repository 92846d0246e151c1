// One article's page: headline, byline, time, the image with its caption
// and credit, the body (or the summary: `fullText` is decided by
// http/partner.ts, the one place that decides it), attribution with a link
// to the original, the same story from other sources, related stories, and
// the feeds of its source and categories.
// Articles carry tag labels; a tag's page is named by the slug classify made of it.
import { slugify } from '../ingest/classify/classify.js';
import type { Article, Related } from '../model.js';
import { isHttpUrl } from '../publish/renderable.js';
import { esc, layout, type PageFeed, type Shell, time } from './html.js';
import { byline, categoryLinks } from './stories.js';
import { subscribeBox } from './subscribe.js';

export interface ArticlePage {
  article: Article;
  fullText: boolean;
  /** The source's feed first, then its categories' feeds. */
  feeds: PageFeed[];
}

export function articlePage(shell: Shell, page: ArticlePage): string {
  const a = page.article;
  const r = shell.root;
  const updated = a.updatedAt.getTime() - a.publishedAt.getTime() > 60_000 ? `<p class="meta">Updated ${time(a.updatedAt)}</p>` : '';
  const body = page.fullText && a.contentHtml ? `<div class="body">\n${a.contentHtml}\n</div>` : `<p class="lead">${esc(a.summary)}</p>`;
  const original = isHttpUrl(a.url) ? `<a href="${esc(a.url)}">${page.fullText ? 'Original story' : 'Read the full story'} at ${esc(a.source.name)}</a>` : '';
  const site = a.source.siteUrl && isHttpUrl(a.source.siteUrl) ? ` (<a href="${esc(a.source.siteUrl)}">${esc(hostOf(a.source.siteUrl))}</a>)` : '';
  const sameStory = a.related.filter((x) => x.kind === 'same-story' && isHttpUrl(x.url));
  const related = a.related.filter((x) => x.kind !== 'same-story' && isHttpUrl(x.url));
  const tags = a.tags.length
    ? `<p class="tags">Tags: ${a.tags.map((t) => `<a href="${esc(r)}/tags/${esc(encodeURIComponent(slugify(t)))}">${esc(t)}</a>`).join(', ')}</p>`
    : '';
  const main = `<article class="full">
<header>
${categoryLinks(r, a)}
<h1>${esc(a.title)}</h1>
<p class="meta">${byline(r, a)}</p>
${updated}
</header>
${figure(a)}
${body}
<footer>
<p class="attribution">Source: <a href="${esc(r)}/sources/${esc(encodeURIComponent(a.source.slug))}">${esc(a.source.name)}</a>${site}.${original ? ` ${original}.` : ''}</p>
${a.rights && page.fullText ? `<p class="rights">${esc(a.rights)}</p>` : ''}
${tags}
</footer>
</article>
${relatedSection(r, 'same-heading', 'The same story from other sources', sameStory)}
${relatedSection(r, 'related-heading', 'Related stories', related)}
${page.feeds[0] ? subscribeBox(page.feeds[0], { id: 'source-feed', heading: `More from ${a.source.name}` }) : ''}`;
  return layout(shell, { title: `${a.title} · ${shell.siteTitle}`, description: a.summary, feeds: page.feeds, main });
}

function figure(a: Article): string {
  const image = a.image;
  if (!image || !isHttpUrl(image.url)) return '';
  const caption = [image.caption ? esc(image.caption) : '', image.credit ? `<span class="credit">${esc(image.credit)}</span>` : ''].filter(Boolean).join(' ');
  return `<figure>
<img src="${esc(image.url)}" alt="${esc(image.caption ?? '')}">
${caption ? `<figcaption>${caption}</figcaption>` : ''}
</figure>`;
}

function relatedSection(root: string, id: string, heading: string, list: Related[]): string {
  if (list.length === 0) return '';
  const items = list.map((x) => {
    const href = x.articleId !== undefined ? `${root}/articles/${x.articleId}` : x.url;
    return `<li><a href="${esc(href)}">${esc(x.title)}</a>${x.articleId === undefined ? ` <span class="host">(${esc(hostOf(x.url))})</span>` : ''}</li>`;
  });
  return `<section class="related" aria-labelledby="${id}">
<h2 id="${id}">${esc(heading)}</h2>
<ul>
${items.join('\n')}
</ul>
</section>`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

// The search page: a form that GETs ?q=, and the best matches with the
// search's own feed to subscribe to. An empty or unreadable query shows the
// form with what is wrong.
import type { Article } from '../model.js';
import { esc, layout, type PageFeed, type Shell } from './html.js';
import { olderLink, storyList } from './stories.js';
import { subscribeBox } from './subscribe.js';

export function searchForm(root: string, query: string): string {
  return `<form class="search" role="search" action="${esc(root)}/search" method="get">
<label for="q">Search stories</label>
<input id="q" type="search" name="q" value="${esc(query)}" required maxlength="256">
<button type="submit">Search</button>
</form>`;
}

export interface SearchPage {
  query: string;
  /** Why the query cannot be searched; the page is then answered with a 400. */
  problem?: string;
  results?: { feed: PageFeed; stories: Article[]; olderCursor?: string };
  all: PageFeed;
}

export function searchPage(shell: Shell, page: SearchPage): string {
  const r = page.results;
  const heading = r ? `Search: ${page.query}` : 'Search';
  const body = page.problem
    ? `<p class="problem" role="alert">${esc(page.problem)}</p>`
    : r
      ? `<h2>${r.stories.length === 0 ? 'No story matches' : 'Best matches first'}</h2>
${storyList(shell.root, r.stories, 3)}
${olderLink(`${shell.root}/search`, r.olderCursor, { q: page.query })}
${subscribeBox(r.feed, { id: 'search', heading: 'Follow this search in a feed reader' })}`
      : '<p>Words are matched in headlines, summaries and story text, newest matches ranked first among equals.</p>';
  const main = `<h1>${esc(heading)}</h1>
${searchForm(shell.root, page.query)}
${body}`;
  return layout(shell, { title: `${heading} · ${shell.siteTitle}`, feeds: r ? [r.feed, page.all] : [page.all], main });
}

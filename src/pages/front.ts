// The front page: the latest stories, the site's own feed to subscribe to,
// and every feed with stories in it.
import type { Article } from '../model.js';
import { esc, layout, type PageFeed, type Shell } from './html.js';
import { olderLink, storyList } from './stories.js';
import { subscribeBox } from './subscribe.js';
import { searchForm } from './search.js';

export interface FrontPage {
  description: string;
  all: PageFeed;
  stories: Article[];
  olderCursor?: string;
  /** The feed directory, rendered (directory.ts). */
  directory: string;
}

export function frontPage(shell: Shell, page: FrontPage): string {
  const main = `<h1>${esc(shell.siteTitle)}</h1>
<p class="lead">${esc(page.description)}</p>
${searchForm(shell.root, '')}
<section aria-labelledby="latest-heading">
<h2 id="latest-heading">Latest stories</h2>
${storyList(shell.root, page.stories, 3)}
${olderLink(`${shell.root}/`, page.olderCursor)}
</section>
${subscribeBox(page.all, { id: 'all', heading: 'Subscribe to every story' })}
${page.directory}`;
  return layout(shell, { title: shell.siteTitle, description: page.description, feeds: [page.all], main });
}

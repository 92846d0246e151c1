// A short page that says what went wrong (an unknown category, a search
// that cannot be run), for browsers; the feeds answer the same in plain text.
import { esc, layout, type Shell } from './html.js';

export function messagePage(shell: Shell, heading: string, message: string): string {
  const main = `<h1>${esc(heading)}</h1>
<p>${esc(message)}</p>
<p><a href="${esc(shell.root)}/">Back to the front page</a></p>`;
  return layout(shell, { title: `${heading} · ${shell.siteTitle}`, feeds: [], main });
}

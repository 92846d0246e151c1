// The HTML body of an item, the same in every format (RSS content:encoded,
// Atom <content type="html">, JSON Feed content_html): the article's full
// text where this reader may have it, else its summary as a paragraph. With
// `publish.metadata_in_html` (on by default) the body also shows what the
// format's extensions carry, for readers that ignore them (newsboat shows
// neither Media RSS nor atom:link rel="related"): the image as a <figure>
// with its caption and credit at the top, and the categories and related
// stories as a short list at the end. A public reader gets the summary with
// them, never the full text.
//
// Everything added here is escaped; the article's own HTML was sanitized at
// ingest, and the URLs printed were checked absolute http(s) (renderable.ts).
import type { Article } from '../model.js';

/** What the body is made of: the document's tier and the config switch. */
export interface BodyOptions {
  fullText: boolean;
  metadataInHtml: boolean;
}

export function itemBodyHtml(options: BodyOptions, a: Article): string {
  const text = options.fullText && a.contentHtml ? a.contentHtml : a.summary ? `<p>${escapeHtml(a.summary)}</p>` : '';
  if (!options.metadataInHtml) return text;
  return `${figure(a)}${text}${metadataList(a)}`;
}

/** Whether the body says more than the summary: full text, or the metadata around it. */
export function hasHtmlBody(options: BodyOptions, a: Article): boolean {
  if (options.fullText && a.contentHtml) return true;
  return options.metadataInHtml && (a.image !== undefined || a.categories.length > 0 || a.related.length > 0);
}

function figure(a: Article): string {
  if (!a.image) return '';
  const { url, caption, credit } = a.image;
  const alt = caption ?? a.title;
  const words = [caption ? escapeHtml(caption) : '', credit ? (caption ? `(${escapeHtml(credit)})` : escapeHtml(credit)) : ''].filter(Boolean).join(' ');
  const figcaption = words ? `<figcaption>${words}</figcaption>` : '';
  return `<figure><img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}">${figcaption}</figure>`;
}

function metadataList(a: Article): string {
  const parts: string[] = [];
  if (a.categories.length > 0) parts.push(`<p>Categories: ${a.categories.map((c) => escapeHtml(c.label)).join(', ')}</p>`);
  if (a.related.length > 0) {
    const links = a.related.map((r) => `<li><a href="${escapeHtml(r.url)}">${escapeHtml(r.title)}</a></li>`).join('');
    parts.push(`<p>Related:</p><ul>${links}</ul>`);
  }
  return parts.join('');
}

/** Text and attribute values (always double-quoted here) in HTML. */
function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// The words of an article's body as relate reads them: its stored (already
// sanitised) HTML as plain text, paragraphs kept apart so that sentences do
// not run into each other, cut at a length that holds the lead and the
// facts that follow it.
import { decodeHTML } from 'entities';

/** Characters of body text relate reads: about 600 words. */
const MAX_BODY_CHARS = 4_000;

export function bodyTextOf(html: string): string {
  const text = decodeHTML(
    html
      .slice(0, MAX_BODY_CHARS * 3)
      .replace(/<\/(?:p|div|li|h\d|blockquote|figcaption|tr)>|<br\s*\/?>/gi, '\n')
      .replace(/<[^>]*>/g, ' '),
  );
  return text.replace(/[ \t]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim().slice(0, MAX_BODY_CHARS);
}

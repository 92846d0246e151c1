// Correction notices (issue 21), for partners: an item corrected within
// `publish.tombstone_days` says what changed and when, in each format's own
// way, so that a newsroom system can tell a fixed headline from a rewritten
// story and replace its copy. The notice names the fields that changed and
// carries the title and summary they replaced; never the body, which a
// summary-tier partner must not get and which would double a feed's size:
// the body of an earlier version is at /articles/{id}/versions.json, for
// partners with full text (partner/versions.ts).
// The public feeds never call these (FeedDocument.corrections is empty there).
import type { CorrectionNotice } from '../document.js';
import { xmlText } from '../feed-gaps.js';

type XmlNode = Record<string, unknown>;

/**
 * The item element, the same in RSS and Atom (namespace WIREFEED_NAMESPACE):
 * `<wirefeed:corrected at version changed>` with the replaced title and
 * summary as children, each only when it changed (xml-js compact form).
 * The attributes are ours (a date, a number, fixed words): nothing to escape.
 */
export function correctedElement(c: CorrectionNotice): XmlNode {
  const element: XmlNode = { _attributes: { at: c.at.toISOString(), version: String(c.version), changed: c.changed.join(' ') } };
  if (c.changed.includes('title')) element['wirefeed:previousTitle'] = { _text: xmlText(c.previousTitle) };
  if (c.changed.includes('summary')) element['wirefeed:previousSummary'] = { _text: xmlText(c.previousSummary) };
  return element;
}

/** JSON Feed's `_wirefeed.correction`: snake_case, the replaced title and summary null when they did not change. */
export function jsonCorrection(c: CorrectionNotice): Record<string, unknown> {
  return {
    at: c.at.toISOString(),
    version: c.version,
    changed: [...c.changed],
    previous_title: c.changed.includes('title') ? c.previousTitle : null,
    previous_summary: c.changed.includes('summary') ? c.previousSummary : null,
  };
}

/**
 * ninjs 2.0 has no correction property and admits no other at its top
 * level; `version` and `versioncreated` already move with the change. What
 * changed goes in a description with role `correction` ("Corrected {at}:
 * title, body."), and the replaced headline and summary in a headline with
 * role `previous` and a description with role `previous-summary`.
 */
export function ninjsCorrection(c: CorrectionNotice): { headlines: XmlNode[]; descriptions: XmlNode[] } {
  const said = { role: 'correction', contenttype: 'text/plain', value: `Corrected ${c.at.toISOString()}: ${c.changed.join(', ')}.` };
  return {
    headlines: c.changed.includes('title') ? [{ role: 'previous', value: c.previousTitle }] : [],
    descriptions: [said, ...(c.changed.includes('summary') ? [{ role: 'previous-summary', contenttype: 'text/plain', value: c.previousSummary }] : [])],
  };
}

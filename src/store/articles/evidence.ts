// A related link's evidence: a JSON object that relate fills with what made
// the link (similarity, shared entities and numbers, hours apart), stored as
// text in related.evidence and published as it is. Its keys are relate's
// business; the store only checks that what it reads back is an object, so
// that a value written by hand or by an older version (text, an array, a
// cut-off string) costs the link its evidence, never the response.

export type Evidence = Record<string, unknown>;

/** The column's text for `evidence` (NULL for none). */
export function evidenceText(evidence: Evidence | undefined): string | null {
  return evidence === undefined ? null : JSON.stringify(evidence);
}

/** The stored text as an object, or undefined when there is none or it is not a JSON object. */
export function storedEvidence(text: string | null | undefined): Evidence | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Evidence) : undefined;
}

// Why a related story is listed, as every format that explains it says it
// (issue 18: "explain every link"): the kind in words, and relate's score.
import type { Related, RelatedKind } from '../model.js';

/** The kind in words, for a reader of /articles/{id}. */
const reasons: Record<RelatedKind, string> = {
  'same-story': 'the same story, from another source',
  explicit: 'linked by the article itself',
  'follow-up': 'a later story on the same subject',
  computed: 'on the same subject',
};

/** Why `r` is listed, in words; an editor's pin says so rather than passing for the article's own link. */
export function relatedReason(r: Related): string {
  return r.pinned && r.kind === 'explicit' ? 'pinned by an editor' : reasons[r.kind];
}

/** The score to three decimals (more says nothing), or null when relate gave none. */
export function relatedScore(score: number | undefined): number | null {
  return score === undefined || !Number.isFinite(score) ? null : Math.round(score * 1000) / 1000;
}

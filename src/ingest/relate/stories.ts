// Stories from pair scores: average-linkage clustering. Every report starts
// as a story of its own; the two stories whose reports are most alike on
// average join, again and again, while that average reaches the threshold
// and no pair across them is ruled out (a score of −Infinity: one source,
// too far apart, an editor's removal). A pure function of the reports and
// their order, which the caller makes their own (time, then URL): the
// stories do not depend on which report was stored first. Average linkage
// keeps a thread apart: a follow-up that is like one report of the story but
// unlike the rest does not join it, and chains of "A is like B, B is like C"
// do not merge a whole thread.

/** The reports grouped into stories, each in the given order, stories by their first report. */
export function clusterStories<T>(items: readonly T[], score: (a: T, b: T) => number, threshold: number): T[][] {
  const n = items.length;
  const pair: number[][] = items.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) pair[i]![j] = pair[j]![i] = score(items[i]!, items[j]!);
  }
  let stories: number[][] = items.map((_, i) => [i]);
  for (;;) {
    let best: { p: number; q: number; average: number } | undefined;
    for (let p = 0; p < stories.length; p++) {
      for (let q = p + 1; q < stories.length; q++) {
        const average = linkage(stories[p]!, stories[q]!, pair);
        if (average >= threshold && (!best || average > best.average)) best = { p, q, average };
      }
    }
    if (!best) break;
    const joined = [...stories[best.p]!, ...stories[best.q]!].sort((a, b) => a - b);
    stories = stories.filter((_, k) => k !== best!.p && k !== best!.q);
    stories.push(joined);
  }
  return stories.sort((a, b) => a[0]! - b[0]!).map((s) => s.map((i) => items[i]!));
}

/** The average pair score across two stories, −Infinity when any pair across them is ruled out. */
function linkage(a: readonly number[], b: readonly number[], pair: readonly number[][]): number {
  let sum = 0;
  for (const i of a) {
    for (const j of b) {
      const s = pair[i]![j]!;
      if (s === -Infinity) return -Infinity;
      sum += s;
    }
  }
  return sum / (a.length * b.length);
}

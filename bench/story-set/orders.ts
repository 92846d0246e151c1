// The ingest orders a run of the set is tried in. Relate works article by
// article against what is stored already, so the order the stories arrive
// in is the one thing that may change its answer; these are the orders a
// real service meets: everything at once, one feed at a time either way
// round or shuffled, and feeds that grow between polls.
import type { StorySet } from './set.js';

/** One ingest run: these sources (in this order), each feed showing items up to `until` (all when absent). */
export interface Round {
  sources: string[];
  until?: number;
}

export interface Order {
  key: string;
  name: string;
  rounds: Round[];
}

export const orderKeys = ['a', 'b', 'c', 'd', 'e'] as const;

export function orderPlan(set: StorySet, key: string, seed = 18): Order {
  const slugs = set.sources.map((s) => s.slug);
  const one = (list: string[]) => list.map((slug) => ({ sources: [slug] }));
  switch (key) {
    case 'a':
      return { key, name: 'all sources in one run', rounds: [{ sources: slugs }] };
    case 'b':
      return { key, name: 'one source per run', rounds: one(slugs) };
    case 'c':
      return { key, name: 'one source per run, reversed', rounds: one([...slugs].reverse()) };
    case 'd': {
      const times = set.articles.map((a) => Date.parse(a.published));
      const [first, last] = [Math.min(...times), Math.max(...times)];
      const at = (share: number) => Math.round(first + ((last - first) * share));
      return { key, name: 'growing feeds, three polls', rounds: [1 / 3, 2 / 3, 1].map((share) => ({ sources: slugs, until: share === 1 ? last : at(share) })) };
    }
    case 'e':
      return { key, name: `one source per run, shuffled (seed ${seed})`, rounds: one(shuffled(slugs, seed)) };
    default:
      throw new Error(`story-set: unknown order "${key}" (one of ${orderKeys.join(', ')})`);
  }
}

/** Fisher-Yates over a small linear congruential generator: the same seed, the same order, on any machine. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

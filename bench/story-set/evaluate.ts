// The harness's core: the set run in each order asked for, scored, and the
// orders compared. The command (bench/eval-related.ts) prints it; the test
// (test/ingest/relate/story-set.test.ts) holds it to the goals.
import { differences, type Scores, score, signatures } from './metrics.js';
import { orderPlan } from './orders.js';
import type { Observation } from './read.js';
import { runOrder } from './run-order.js';
import type { StorySet } from './set.js';

export interface OrderResult {
  key: string;
  name: string;
  scores: Scores;
  observation: Observation;
  durationMs: number;
  /** Articles whose story or related list differs from the first order's. */
  differences: { id: string; first: string; other: string }[];
}

export interface Evaluation {
  orders: OrderResult[];
  /** Articles that differ in at least one order from the first. */
  differing: string[];
}

export const goals = { sameStoryRecall: 0.85, precisionAt3: 0.9 };

export async function evaluate(set: StorySet, orderKeys: readonly string[]): Promise<Evaluation> {
  const orders: OrderResult[] = [];
  let first: Map<string, string> | undefined;
  for (const key of orderKeys) {
    const plan = orderPlan(set, key);
    const started = performance.now();
    const observation = await runOrder(set, plan);
    const sigs = signatures(set.articles, observation);
    first ??= sigs;
    orders.push({
      key,
      name: plan.name,
      scores: score(set.articles, observation),
      observation,
      durationMs: Math.round(performance.now() - started),
      differences: differences(first, sigs),
    });
  }
  return { orders, differing: [...new Set(orders.flatMap((o) => o.differences.map((d) => d.id)))].sort() };
}

/** Why the evaluation misses the goals (empty when it meets them all). */
export function missedGoals(evaluation: Evaluation): string[] {
  const missed = evaluation.orders.flatMap(({ key, scores: s }) => [
    ...(s.sameStoryRecall < goals.sameStoryRecall ? [`${key}: same-story recall ${s.sameStoryRecall.toFixed(3)} < ${goals.sameStoryRecall}`] : []),
    ...(s.falseMerges.length > 0 ? [`${key}: ${s.falseMerges.length} false merges`] : []),
    ...(s.precisionAt3 < goals.precisionAt3 ? [`${key}: related precision@3 ${s.precisionAt3.toFixed(3)} < ${goals.precisionAt3}`] : []),
    ...(s.leaks.length > 0 ? [`${key}: ${s.leaks.length} stories shown more than once in /feeds/all`] : []),
    ...(s.missing.length > 0 ? [`${key}: ${s.missing.length} labelled articles not found`] : []),
  ]);
  if (evaluation.differing.length > 0) missed.push(`results differ across orders for ${evaluation.differing.length} articles`);
  return missed;
}

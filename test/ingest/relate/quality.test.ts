// Quality of computed related stories and same-story clustering on the
// labelled set: the floors sit a little under what was measured (see
// BENCHMARKS.md), so that a change that makes them worse fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testContext } from '../../helpers.js';
import { ingestLabelledSet, labelledConfig, labelledSet, measureQuality } from './quality.js';

test('computed related stories and same-story clusters stay above their measured floors', (t) => {
  const set = labelledSet();
  const ctx = testContext(labelledConfig(set));
  try {
    const quality = measureQuality(ctx, set, ingestLabelledSet(ctx, set));
    t.diagnostic(JSON.stringify(quality));
    // Measured (BENCHMARKS.md): precision@3 1.0 on 25 links, recall@3 0.15;
    // same-story precision 1.0, recall 0.69. This set has a title and a
    // summary only, short leads that share few words: the related floor
    // falls for them (relate.ts), but only as far as the story set's
    // precision allows. Before issue 18: precision@3 0.85, recall@3 0.80,
    // and no same-story pair found.
    assert.ok(quality.relatedPrecisionAt3 >= 0.9, `precision@3 ${quality.relatedPrecisionAt3}`);
    assert.ok(quality.relatedRecallAt3 >= 0.12, `recall@3 ${quality.relatedRecallAt3}`);
    assert.equal(quality.clusterPrecision, 1, `cluster precision ${quality.clusterPrecision}`);
    assert.ok(quality.clusterRecall >= 0.65, `cluster recall ${quality.clusterRecall}`);
  } finally {
    ctx.close();
  }
});

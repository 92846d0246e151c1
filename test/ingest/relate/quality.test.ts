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
    // Measured (BENCHMARKS.md): precision@3 0.85, recall@3 0.80; clustering
    // is tuned for precision, and this set rewrites every version's headline,
    // so it clusters nothing here: precision must stay perfect.
    assert.ok(quality.relatedPrecisionAt3 >= 0.8, `precision@3 ${quality.relatedPrecisionAt3}`);
    assert.ok(quality.relatedRecallAt3 >= 0.72, `recall@3 ${quality.relatedRecallAt3}`);
    assert.equal(quality.clusterPrecision, 1, `cluster precision ${quality.clusterPrecision}`);
  } finally {
    ctx.close();
  }
});

// collapseSpaces gives what /\s+/g → " " and trim() give, for every kind of white space.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collapseSpaces } from '../../../src/ingest/parse/spaces.js';

test('each run of white space becomes one space, none at the ends', () => {
  const samples = [
    '',
    '   ',
    'one',
    ' one two  three\tfour\nfive\r\nsix ',
    'a\u00a0b\u2003c\u3000d\ufeffe',
    'tab\tonly',
    '\n\nlead and trail\t\t',
    'single spaces only, as prose has them',
  ];
  for (const text of samples) assert.equal(collapseSpaces(text), text.replace(/\s+/g, ' ').trim(), JSON.stringify(text));
});

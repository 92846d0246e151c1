import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CategoryRule } from '../../../src/config/config.js';
import { type Classification, type ClassifyInput, classify, slugify } from '../../../src/ingest/classify/classify.js';

// Listed in the order categories must come out in.
const taxonomy: CategoryRule[] = [
  { slug: 'climate', label: 'Climate', upstream: ['Environment', 'Umwelt'], keywords: ['flood barrier'] },
  { slug: 'transport', label: 'Transport', upstream: ['Transit'], keywords: ['rail strike'] },
  { slug: 'sports', label: 'Sport', upstream: [], keywords: [] },
];

function input(fields: Partial<ClassifyInput>): ClassifyInput {
  return { title: '', upstreamCategories: [], tags: [], sourceCategories: [], ...fields };
}

describe('classify', () => {
  const cases: { name: string; input: ClassifyInput; expected: Classification }[] = [
    {
      name: 'an upstream name in a rule\'s upstream list maps to the rule, whatever its case',
      input: input({ upstreamCategories: ['ENVIRONMENT', 'transit'] }),
      expected: { categories: ['climate', 'transport'], tags: [] },
    },
    {
      name: 'an upstream name equal to a category slug maps to it',
      input: input({ upstreamCategories: ['sports'] }),
      expected: { categories: ['sports'], tags: [] },
    },
    {
      name: 'an upstream name equal to a category label maps to it',
      input: input({ upstreamCategories: ['sport'] }),
      expected: { categories: ['sports'], tags: [] },
    },
    {
      name: 'upstream names match without accents',
      input: input({ upstreamCategories: ['Ümwelt'] }),
      expected: { categories: ['climate'], tags: [] },
    },
    {
      name: 'a keyword phrase in the title assigns the category',
      input: input({ title: 'Rail strike called for Friday' }),
      expected: { categories: ['transport'], tags: [] },
    },
    {
      name: 'a keyword phrase in the summary assigns the category',
      input: input({ title: 'Council meets', summary: 'A vote on the flood barrier is due.' }),
      expected: { categories: ['climate'], tags: [] },
    },
    {
      name: 'a keyword phrase next to punctuation still matches',
      input: input({ title: 'Friday: rail strike!' }),
      expected: { categories: ['transport'], tags: [] },
    },
    {
      name: 'a keyword matches whole words only: "rail strikes" does not match "rail strike"',
      input: input({ title: 'Rail strikes called' }),
      expected: { categories: [], tags: [] },
    },
    {
      name: 'a keyword matches whole words only: "monorail strike" does not match "rail strike"',
      input: input({ title: 'Monorail strike called' }),
      expected: { categories: [], tags: [] },
    },
    {
      name: 'a hyphenated "rail-strike" does not match the spaced keyword',
      input: input({ title: 'The rail-strike ends' }),
      expected: { categories: [], tags: [] },
    },
    {
      name: 'the source\'s default categories are assigned',
      input: input({ sourceCategories: ['sports'] }),
      expected: { categories: ['sports'], tags: [] },
    },
    {
      name: 'upstream names that map to no category become tags after the article\'s own tags',
      input: input({ upstreamCategories: ['Flooding', 'Environment', 'Harbour'], tags: ['Coast'] }),
      expected: { categories: ['climate'], tags: ['Coast', 'Flooding', 'Harbour'] },
    },
    {
      name: 'tags with the same slug collapse to the first one',
      input: input({ tags: ['São Paulo FC', 'sao paulo fc'], upstreamCategories: ['Sao-Paulo FC'] }),
      expected: { categories: [], tags: ['São Paulo FC'] },
    },
    {
      name: 'a tag with an empty slug is dropped',
      input: input({ tags: ['!!!', 'Coast'] }),
      expected: { categories: [], tags: ['Coast'] },
    },
    {
      name: 'categories come out in taxonomy order, once each, whatever found them',
      input: input({ sourceCategories: ['sports'], upstreamCategories: ['Transit', 'Environment'], title: 'New flood barrier' }),
      expected: { categories: ['climate', 'transport', 'sports'], tags: [] },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(classify(c.input, taxonomy), c.expected);
    });
  }

  test(
    'a tag written in a non-Latin script is kept',
    () => {
      assert.deepEqual(classify(input({ tags: ['Москва'] }), taxonomy).tags, ['Москва']);
    },
  );
});

describe('slugify', () => {
  const cases: [value: string, expected: string][] = [
    ['São Paulo FC', 'sao-paulo-fc'],
    ['Crème Brûlée', 'creme-brulee'],
    ['  Port Elling -- Harbour__Works  ', 'port-elling-harbour-works'],
    ['COP 31', 'cop-31'],
    ['!!!', ''],
  ];
  for (const [value, expected] of cases) {
    test(`"${value}" becomes "${expected}"`, () => {
      assert.equal(slugify(value), expected);
    });
  }
});

describe('classify: parents and the gazetteer', () => {
  const withParents: CategoryRule[] = [
    { slug: 'world', label: 'World', upstream: [], keywords: [] },
    { slug: 'europe', label: 'Europe', parent: 'world', upstream: ['EU'], keywords: [] },
    { slug: 'nordics', label: 'Nordics', parent: 'europe', upstream: [], keywords: ['fjord'] },
    { slug: 'sports', label: 'Sport', upstream: [], keywords: [] },
  ];
  const gazetteer = [
    { name: 'Islamic State', aliases: ['ISIL', 'ISIS', 'IS', 'Daesh'] },
    { name: 'Northline Rail', aliases: ['Northline'] },
  ];
  const cases: { name: string; input: ClassifyInput; expected: Classification }[] = [
    {
      name: 'a category brings its parent and its parent\'s parent',
      input: input({ title: 'A fjord ferry sinks' }),
      expected: { categories: ['world', 'europe', 'nordics'], tags: [] },
    },
    {
      name: 'a mapped upstream name brings the parent too',
      input: input({ upstreamCategories: ['EU'] }),
      expected: { categories: ['world', 'europe'], tags: [] },
    },
    {
      name: 'every alias of a name is one tag, under the canonical name',
      input: input({ tags: ['ISIS', 'Daesh', 'islamic state'], upstreamCategories: ['ISIL'] }),
      expected: { categories: [], tags: ['Islamic State'] },
    },
    {
      name: 'a name or alias in the title or summary adds the tag',
      input: input({ title: 'Daesh claims attack', summary: 'Commuters on Northline faced delays.' }),
      expected: { categories: [], tags: ['Islamic State', 'Northline Rail'] },
    },
    {
      name: 'an all-capitals alias matches only as written: the word "is" is not IS',
      input: input({ title: 'This is the news', summary: 'It is what it is.' }),
      expected: { categories: [], tags: [] },
    },
    {
      name: 'an acronym alias in capitals does match',
      input: input({ title: 'IS fighters retreat' }),
      expected: { categories: [], tags: ['Islamic State'] },
    },
    {
      name: 'a name inside a longer word is not a mention',
      input: input({ title: 'Northliners meet' }),
      expected: { categories: [], tags: [] },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(classify(c.input, withParents, gazetteer), c.expected);
    });
  }
});

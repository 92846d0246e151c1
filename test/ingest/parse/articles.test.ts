import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readArticleFolder } from '../../../src/ingest/parse/articles.js';
import type { ParsedFeed } from '../../../src/ingest/parse/parsed.js';

const fullArticle = `---
title: "Flood barrier vote delayed"
summary: Council puts off the vote until January.
author: Nia Hart
published: 2026-11-18T09:00:00Z
updated: 2026-11-18T15:30:00Z
categories: [climate, politics]
tags: [Port Elling, Council]
image:
  url: https://demodesk.example/media/barrier.jpg
  caption: The barrier site at low tide.
  credit: The Demo Desk/Freya Colm
related:
  - slug: flood-barrier-review
    title: Review raises questions
  - url: https://harborwire.example/2026/11/17/barrier
    title: Harbor Wire on the barrier
rights: © 2026 The Demo Desk
---

The council **delayed** the vote.

- first reason
- second reason
`;

const minimalArticle = `---
title: Rail strike dates confirmed
published: 2026-11-17
url: https://elsewhere.example/rail
---
Strike on *Friday*.
`;

const noTitle = `---
summary: This one has no title.
published: 2026-11-17T00:00:00Z
---
Body.
`;

describe('readArticleFolder', () => {
  let dir: string;
  let feed: ParsedFeed;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-articles-'));
    writeFileSync(join(dir, 'flood-barrier-vote.md'), fullArticle);
    writeFileSync(join(dir, 'rail-strike.md'), minimalArticle);
    writeFileSync(join(dir, 'missing-title.md'), noTitle);
    writeFileSync(join(dir, 'notes.txt'), 'not an article');
    writeFileSync(join(dir, 'README.md'), '# About this folder');
    // No trailing slash: article URLs must still be siteUrl + "/" + slug.
    feed = await readArticleFolder(dir, 'https://demodesk.example/articles');
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('reads the valid Markdown files in name order, skipping other files and README.md', () => {
    assert.equal(feed.format, 'markdown');
    assert.deepEqual(
      feed.entries.map((e) => e.guid),
      ['flood-barrier-vote', 'rail-strike'],
    );
  });

  test('front matter maps to the entry: guid is the file slug, link is site URL + slug, related slugs become site URLs, image caption and credit kept, body rendered to HTML', () => {
    assert.deepEqual(feed.entries[0], {
      guid: 'flood-barrier-vote',
      link: 'https://demodesk.example/articles/flood-barrier-vote',
      title: 'Flood barrier vote delayed',
      summary: 'Council puts off the vote until January.',
      content: '<p>The council <strong>delayed</strong> the vote.</p>\n<ul>\n<li>first reason</li>\n<li>second reason</li>\n</ul>\n',
      author: 'Nia Hart',
      published: '2026-11-18T09:00:00.000Z',
      updated: '2026-11-18T15:30:00.000Z',
      categories: ['climate', 'politics'],
      tags: ['Port Elling', 'Council'],
      image: {
        url: 'https://demodesk.example/media/barrier.jpg',
        caption: 'The barrier site at low tide.',
        credit: 'The Demo Desk/Freya Colm',
      },
      related: [
        { url: 'https://demodesk.example/articles/flood-barrier-review', title: 'Review raises questions' },
        { url: 'https://harborwire.example/2026/11/17/barrier', title: 'Harbor Wire on the barrier' },
      ],
      rights: '© 2026 The Demo Desk',
    });
  });

  test('a front matter url replaces the site URL, a bare YAML date becomes an ISO instant, and lists default to empty', () => {
    assert.deepEqual(feed.entries[1], {
      guid: 'rail-strike',
      link: 'https://elsewhere.example/rail',
      title: 'Rail strike dates confirmed',
      summary: undefined,
      content: '<p>Strike on <em>Friday</em>.</p>\n',
      author: undefined,
      published: '2026-11-17T00:00:00.000Z',
      updated: undefined,
      categories: [],
      tags: [],
      image: undefined,
      related: [],
      rights: undefined,
    });
  });

  test('a file without a title is reported in problems naming the file and the field', () => {
    assert.equal(feed.problems?.length, 1);
    assert.match(feed.problems?.[0] ?? '', /^articles: missing-title\.md: title: /);
  });
});

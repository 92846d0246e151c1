// The Accept rule that decides between a feed and its HTML preview (and an
// article's JSON and its page): what browsers and feed readers really send.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedTypes, jsonTypes, prefersHtml } from '../../../src/http/site/negotiate.js';

const feed = feedTypes;
const json = jsonTypes;

const cases: [name: string, accept: string | undefined, types: readonly string[], html: boolean][] = [
  ['Chrome navigation, RSS', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7', feed, true],
  ['Firefox navigation, Atom', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', feed, true],
  ['Safari navigation, JSON Feed', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', feed, true],
  ['Chrome navigation, article JSON', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', json, true],
  ['no Accept (curl -H "Accept:", many readers)', undefined, feed, false],
  ['empty Accept', '', feed, false],
  ['curl', '*/*', feed, false],
  ['a reader asking for feed types', 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.7', feed, false],
  ['a reader asking for feed types, JSON Feed URL', 'application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.7', feed, false],
  ['a reader that also takes HTML, at equal quality', 'application/rss+xml, text/html', feed, false],
  ['HTML first but equal quality through */*', 'text/html, */*', feed, false],
  ['fetch() default', '*/*', json, false],
  ['an API client', 'application/json', json, false],
  ['HTML ranked lower', 'application/json;q=1, text/html;q=0.5', json, false],
  ['parameters on the type are ignored', 'text/html,*/*;q=0.8', ['application/rss+xml; charset=utf-8'], true],
  ['text/* ranks text/xml as high as HTML', 'text/*, */*;q=0.1', feed, false],
  ['an unreadable quality leaves its range out', 'text/html;q=x, */*;q=0.5', feed, false],
  ['junk', ';;;,,,', feed, false],
  ['a reader that lists Atom and HTML, at a JSON Feed URL', 'application/atom+xml, application/rss+xml, text/html;q=0.9, */*;q=0.8', feed, false],
  ['HTML above XML but not above JSON', 'application/json, text/html;q=0.9, application/xml;q=0.5', feed, false],
  ['text/html;q=0 is a refusal', 'text/html;q=0, */*;q=0', feed, false],
  ['case does not matter', 'TEXT/HTML, */*;Q=0.8', feed, true],
];

for (const [name, accept, types, html] of cases) {
  test(`${name}: ${html ? 'the HTML page' : 'the feed (or JSON)'}`, () => {
    assert.equal(prefersHtml(accept, types), html);
  });
}

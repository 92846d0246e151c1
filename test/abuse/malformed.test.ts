// Issue 14: a malformed request is a 4xx that says what is wrong, never a
// 500. Named cases, one table per class of malformation; each request is
// sent as GET and as HEAD, and feed requests twice, so that the second one
// meets the fast path for cached feeds (fast-feeds.ts) ahead of Express.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { FastFeeds } from '../../src/http/fast-feeds.js';
import { requestObserver } from '../../src/observe/requests.js';
import { createLog } from '../../src/observe/log.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { FeedCache } from '../../src/publish/cache.js';
import { matchExpression, searchArticles } from '../../src/store/articles/search.js';
import { rawRequest } from './raw.js';
import { type AbuseServer, abuseServer, adminToken } from './server.js';
import { jsonProblem, xmlProblem } from './well-formed.js';

let s: AbuseServer;
before(async () => {
  s = await abuseServer();
});
after(() => s.close());

type Answer = { status: number; headers: Record<string, string>; text: string };

async function send(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const req = request(s.url)[method.toLowerCase() as 'get'](path).timeout(5000);
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  const res = await req.buffer(true).parse((r, done) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (text += c));
    r.on('end', () => done(null, text));
  });
  // HEAD answers skip the parser: their body is supertest's empty object.
  const text = typeof res.body === 'string' ? res.body : '';
  return { status: res.status, headers: res.headers as Record<string, string>, text };
}

/** A 4xx with a short plain-text body matching `says` (HEAD: the same status, no body). */
async function assertRefused(path: string, status: number, says: RegExp, headers: Record<string, string> = {}) {
  const got = await send('GET', path, headers);
  assert.equal(got.status, status, `GET ${path}: ${got.status} ${got.text.slice(0, 200)}`);
  assert.match(got.headers['content-type'] ?? '', /^text\/plain/, `GET ${path}: content-type`);
  assert.match(got.text, says, `GET ${path.slice(0, 100)}`);
  assert.ok(got.text.length < 600, `GET ${path.slice(0, 100)}: a short message, got ${got.text.length} characters`);
  const head = await send('HEAD', path, headers);
  assert.equal(head.status, status, `HEAD ${path}`);
  assert.equal(head.text, '', `HEAD ${path}: no body`);
}

/** A 200 (or 304) with a well-formed body; asked twice so that the fast path answers the second time. */
async function assertServed(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  let last: Answer | undefined;
  for (const round of ['Express', 'fast path']) {
    const got = await send('GET', path, headers);
    assert.ok(got.status === 200 || got.status === 304, `GET ${path} (${round}): ${got.status} ${got.text.slice(0, 200)}`);
    if (got.status === 200) await assertWellFormed(path, got);
    const head = await send('HEAD', path, headers);
    assert.equal(head.status, got.status, `HEAD ${path} (${round})`);
    last = got;
  }
  return last as Answer;
}

async function assertWellFormed(path: string, got: Answer) {
  const type = got.headers['content-type'] ?? '';
  if (/xml/.test(type)) assert.equal(await xmlProblem(got.text), undefined, `${path}: not well-formed XML`);
  if (/json/.test(type)) assert.equal(jsonProblem(got.text), undefined, `${path}: not JSON`);
}

describe('malformed percent-encoding in a route parameter is a 400 naming the path', () => {
  for (const path of [
    '/feeds/tags/%ff.rss',
    '/feeds/categories/%ff.atom',
    '/feeds/sources/%E0%A4%A.rss',
    '/feeds/all.%ff',
    '/feeds/search.%ff?q=flood',
    '/articles/%ff',
    '/articles/%ff.json',
    // A lone surrogate (U+D800) and an overlong "/": invalid UTF-8 however decoded.
    '/feeds/tags/%ED%A0%80.rss',
    '/feeds/tags/%C0%AF.json',
    '/articles/%C0%AF',
    // A truncated escape.
    '/feeds/tags/%E0%A4.rss',
  ]) {
    test(path, async () => {
      await assertRefused(path, 400, /^Bad request: malformed percent-encoding in the path/);
      const got = await send('GET', path);
      assert.ok(got.text.includes(path.split('?')[0] ?? ''), `names the path: ${got.text}`);
    });
  }

  test('a very long malformed path is named shortened', async () => {
    const path = `/feeds/tags/${'a'.repeat(3000)}%ff.rss`;
    await assertRefused(path, 400, /malformed percent-encoding.*…/);
  });

  test('admin routes answer 400 (JSON, as the admin API does) with a valid token, and 401 without', async () => {
    for (const [method, path] of [
      ['DELETE', '/admin/articles/%ff'],
      ['PUT', '/admin/articles/%E0%A4%A'],
      ['PATCH', '/admin/sources/%ED%A0%80'],
      ['DELETE', '/admin/sources/%C0%AF'],
    ] as const) {
      const authorized = await send(method, path, { Authorization: `Bearer ${adminToken}` });
      assert.equal(authorized.status, 400, `${method} ${path}: ${authorized.text}`);
      assert.match(authorized.text, /"error":/);
      const anonymous = await send(method, path);
      assert.equal(anonymous.status, 401, `${method} ${path} without a token`);
    }
  });
});

describe('search queries', () => {
  for (const [q, says] of [
    ['a%00b', /^q must not contain control characters/],
    ['%00', /^q must not contain control characters/],
    ['flood%00', /^q must not contain control characters/],
    ['a%01b', /^q must not contain control characters/],
    ['%1B%5B31mred', /^q must not contain control characters/],
    ['a%7Fb', /^q must not contain control characters/],
    // The noncharacters U+FFFE and U+FFFF: XML cannot carry them in the feed's title.
    ['%EF%BF%BEflood', /^q must not contain control characters \(such as NUL\) or U\+FFFE and U\+FFFF/],
    ['flood%EF%BF%BF', /^q must not contain control characters/],
    // Right-to-left mark and zero-width space: no word in them.
    ['%E2%80%8F%E2%80%8B', /^q must contain a word/],
    // Invalid UTF-8 in a query string decodes to U+FFFD, which is no word either.
    ['%ED%A0%80', /^q must contain a word/],
    ['%C0%AF', /^q must contain a word/],
    ['%22', /^q must contain a word/],
    [`${'flood '.repeat(50)}`, /^q must be at most 256 characters/],
    ['', /^q is required/],
  ] as const) {
    test(`q=${q.slice(0, 40)} is a 400`, async () => {
      await assertRefused(`/feeds/search.rss?q=${q}`, 400, says);
    });
  }

  test('q given twice, or as a bracketed key, is a 400', async () => {
    await assertRefused('/feeds/search.rss?q=a&q=b', 400, /^q must be given once/);
    await assertRefused('/feeds/search.atom?q[__proto__]=flood', 400, /^q is required/);
  });

  for (const q of ['a%09b', 'NEAR(flood%20barrier)', 'flood*', 'title%3Aflood', '%D7%A9%D7%9C%D7%95%D7%9D', 'caf%C3%A9', 'a%E2%80%8Bb']) {
    test(`q=${q} is searched as plain words`, async () => {
      await assertServed(`/feeds/search.json?q=${q}`);
    });
  }
});

describe('paging parameters', () => {
  for (const limit of ['99999999999999999999', '-1', '1.5', '0x10', '1e2', '', '%205', '+5', '0', '201', 'NaN', 'Infinity', '%00', '%ff']) {
    test(`limit=${limit} is a 400`, async () => {
      await assertRefused(`/feeds/all.rss?limit=${limit}`, 400, /^limit must be a whole number from 1 to 200/);
    });
  }

  test('limit or cursor given twice is a 400 that says so', async () => {
    await assertRefused('/feeds/all.rss?limit=1&limit=2', 400, /^limit must be given once/);
    await assertRefused('/feeds/all.atom?limit=1&limit=1', 400, /^limit must be given once/);
    await assertRefused('/feeds/all.json?cursor=a&cursor=b', 400, /^cursor must be given once/);
  });

  test('limit=007 is 7', async () => {
    const got = await assertServed('/feeds/all.json?limit=007');
    assert.equal((JSON.parse(got.text) as { items: unknown[] }).items.length, 7);
  });

  for (const cursor of ['x', '!!!', 'a'.repeat(5000), '%ff', '%00', Buffer.from('abc:def').toString('base64url'), Buffer.from('1:2:3').toString('base64url')]) {
    test(`cursor=${cursor.slice(0, 20)} is a 400`, async () => {
      await assertRefused(`/feeds/all.rss?cursor=${cursor}`, 400, /^cursor is not one this feed gave out/);
    });
  }

  for (const cursor of ['1', '0', '1001', 'abc', '2.0', '%ff']) {
    test(`search cursor=${cursor} is a 400`, async () => {
      await assertRefused(`/feeds/search.rss?q=flood&cursor=${cursor}`, 400, /^cursor must be a page number/);
    });
  }

  test('bracketed keys are not our parameters and are ignored', async () => {
    const all = (JSON.parse((await assertServed('/feeds/all.json')).text) as { items: unknown[] }).items.length;
    for (const query of ['cursor[]=x', 'limit[]=5', 'limit[0]=5', 'cursor[x]=1']) {
      const got = await assertServed(`/feeds/all.json?${query}`);
      assert.equal((JSON.parse(got.text) as { items: unknown[] }).items.length, all, query);
    }
  });
});

describe('prototype keys in the query string', () => {
  for (const query of [
    '__proto__=1',
    '__proto__[limit]=1',
    '__proto__.limit=1',
    'constructor[prototype][limit]=1',
    'constructor=1',
    'toString=1',
    'hasOwnProperty=1',
    'limit=3&__proto__=x',
  ]) {
    test(`?${query} is served and pollutes nothing`, async () => {
      await assertServed(`/feeds/all.json?${query}`);
      await assertServed(`/feeds/search.rss?q=flood&${query}`);
      await assertServed(`/feeds/tags/education.atom?${query}`);
      const plain: Record<string, unknown> = {};
      assert.equal(plain.limit, undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'limit'), false);
    });
  }
});

describe('paths', () => {
  test('a 404 quotes the value it did not find, escaping what would not read as itself', async () => {
    assert.equal((await send('GET', '/feeds/tags/%E2%80%AEevil%E2%80%8B.rss')).text, 'Not found: no tag "\\u{202e}evil\\u{200b}"\n');
    assert.equal((await send('GET', '/feeds/tags/a%00b.rss')).text, 'Not found: no tag "a\\u0000b"\n');
    assert.equal((await send('GET', `/feeds/tags/${'x'.repeat(300)}.rss`)).text, `Not found: no tag "${'x'.repeat(100)}…"\n`);
  });

  test('a long path is a plain 404; one past the header limit is Node’s 431', async () => {
    await assertRefused(`/feeds/tags/${'a'.repeat(8000)}.rss`, 404, /^Not found: no tag/);
    assert.equal((await send('GET', `/feeds/tags/${'a'.repeat(20_000)}.rss`)).status, 431);
  });

  for (const [path, says] of [
    ['/feeds/../articles/1', /^Not found/],
    ['/feeds/tags/..%2f..%2fetc%2fpasswd.rss', /^Not found: no tag/],
    ['/feeds/tags/%2f.rss', /^Not found: no tag/],
    ['/feeds/tags/%252f.rss', /^Not found: no tag/],
    ['/feeds/tags/%00.rss', /^Not found: no tag/],
    ['/feeds/tags/%E2%80%AEevil.rss', /^Not found: no tag/],
    ['/feeds/all.rss;jsessionid=1', /^Not found: no feed format/],
    ['/feeds/all.xml', /^Not found: no feed format/],
    ['/articles/1%00', /^Not found: no article/],
    ['/articles/99999999999999999999999', /^Not found: no article/],
    ['/articles/-1', /^Not found: no article/],
    ['/%ff', /^Not found/],
    ['/feeds/%ff', /^Not found/],
  ] as const) {
    test(`${path} is a 404`, async () => {
      await assertRefused(path, 404, says);
    });
  }
});

describe('methods', () => {
  test('OPTIONS lists what the route allows (a CORS preflight answer: 204)', async () => {
    const got = await send('OPTIONS', '/feeds/all.rss');
    assert.equal(got.status, 204);
    assert.match(got.headers.allow ?? '', /GET/);
  });

  for (const method of ['TRACE', 'PROPFIND', 'POST', 'PUT', 'DELETE', 'PATCH', 'MKCOL', 'PURGE']) {
    test(`${method} on feeds and articles is a plain 4xx`, async () => {
      for (const path of ['/feeds/all.rss', '/articles/1', '/feeds/tags/%ff.rss', '/']) {
        const got = await send(method, path);
        assert.ok(got.status >= 400 && got.status < 500, `${method} ${path}: ${got.status}`);
        assert.match(got.headers['content-type'] ?? '', /^text\/plain/, `${method} ${path}`);
        assert.ok(got.text.trim().length > 0, `${method} ${path}: says something`);
      }
    });
  }

  test('a made-up method is refused by Node’s parser before the app', async () => {
    const got = await rawRequest(s.port, 'BREW /feeds/all.rss HTTP/1.1\r\nHost: x');
    assert.equal(got.status, 400);
  });
});

describe('headers', () => {
  const garbage: [string, string][] = [
    ['Accept', 'application/json;q=x, */*;q=-1'],
    ['Accept', `text/html, ${'x/y, '.repeat(1500)}`],
    ['Accept-Encoding', 'br;q=abc, *;q=-1, gzip;q=1e999'],
    ['Accept-Encoding', 'x'.repeat(8000)],
    ['Accept-Encoding', ',,,;;;==='],
    ['Accept-Encoding', 'gzip;q=0, br;q=0, identity;q=0, *;q=0'],
    ['If-None-Match', '"'],
    ['If-None-Match', 'W/'],
    ['If-None-Match', '*,*'],
    ['If-None-Match', ','.repeat(4000)],
    ['If-None-Match', '"a", W/"b", "", W/""'],
    ['If-Modified-Since', 'garbage'],
    ['If-Modified-Since', '99999999999999999'],
    ['If-Modified-Since', 'Mon, 99 Foo 9999 99:99:99 GMT'],
    ['If-Modified-Since', 'Sat, 01 Jan 10000 00:00:00 GMT'],
    ['If-Modified-Since', '-1'],
    ['Range', 'bytes=0-0'],
    ['Range', 'bytes=garbage'],
    ['Range', 'bytes=-1, 5-2, 9999999999999999999-'],
    ['Range', 'pages=1'],
    ['If-Range', 'garbage'],
    ['Authorization', ''],
    ['Content-Type', ';;;'],
  ];
  for (const [name, value] of garbage) {
    test(`${name}: ${value.slice(0, 40)} is ignored or honoured, never a 5xx`, async () => {
      for (const path of ['/feeds/all.rss', '/feeds/tags/education.json', '/feeds/search.atom?q=flood', '/articles/1', '/', '/opml', '/categories']) {
        await assertServed(path, { [name]: value });
      }
    });
  }
});

describe('request targets', () => {
  test('an absolute-form target with a port out of range is answered by its path', async () => {
    const got = await rawRequest(s.port, 'GET http://feeds.test:99999/feeds/all.rss HTTP/1.1\r\nHost: feeds.test');
    assert.equal(got.status, 200, got.body.slice(0, 200));
  });

  test('a target that is no URL at all is a plain 400', async () => {
    for (const target of ['http://[::1/feeds/all.rss', 'http://[/']) {
      const got = await rawRequest(s.port, `GET ${target} HTTP/1.1\r\nHost: feeds.test`);
      assert.equal(got.status, 400, `${target}: ${got.body.slice(0, 200)}`);
      assert.match(got.headers['content-type'] ?? '', /^text\/plain/);
      assert.match(got.body, /^Bad request: the request target is not a path/);
    }
  });

  test('asterisk-form and other odd targets are plain 4xx', async () => {
    for (const line of ['OPTIONS * HTTP/1.1', 'GET * HTTP/1.1', 'GET //feeds/all.rss HTTP/1.1', 'GET /\\feeds/all.rss HTTP/1.1']) {
      const got = await rawRequest(s.port, `${line}\r\nHost: feeds.test`);
      assert.ok(got.status >= 400 && got.status < 500, `${line}: ${got.status}`);
      assert.match(got.headers['content-type'] ?? '', /^text\/plain/, line);
    }
  });

  test('raw non-ASCII bytes in the target are refused by Node’s parser', async () => {
    const got = await rawRequest(s.port, 'GET /feeds/tags/\u00e9.rss HTTP/1.1\r\nHost: feeds.test');
    assert.equal(got.status, 400);
  });
});

describe('the fast path ahead of Express', () => {
  test('hands any request it was not told about to Express, whatever its target and method', () => {
    const cache = new FeedCache(1 << 20);
    const fast = new FastFeeds(cache, () => 1, { cacheControl: 'public, max-age=60', private: false }, requestObserver(createLog('silent'), createMetrics()));
    cache.set('public /feeds/all.rss?', 1, { body: '<rss/>', contentType: 'application/rss+xml; charset=utf-8' });
    const absolute = 'http://feeds.test:99999/feeds/all.rss';
    fast.remember(absolute, 'public /feeds/all.rss?', '/feeds/all.:format');
    const sent: number[] = [];
    const res = { writeHead: (status: number) => sent.push(status), end: () => undefined } as unknown as ServerResponse;
    for (const url of [undefined, '', '*', '/', '//', 'http://[::1/feeds', '/feeds/all.rss%ff', '/feeds/all.rss\u0000', 'x'.repeat(20_000)]) {
      for (const method of [undefined, 'GET', 'HEAD', 'get', 'BREW']) {
        const req = { method, url, headers: {} } as unknown as IncomingMessage;
        assert.equal(fast.answer(req, res), false, `${String(method)} ${String(url).slice(0, 40)}`);
      }
    }
    // The odd target it was told about is answered, with any conditional headers.
    for (const headers of [{}, { 'if-none-match': '"', 'if-modified-since': 'garbage', 'accept-encoding': 'br;q=x, *;q=-1' }]) {
      assert.equal(fast.answer({ method: 'GET', url: absolute, headers } as unknown as IncomingMessage, res), true);
    }
    assert.deepEqual(sent, [200, 200]);
  });
});

describe('search below the route', () => {
  test('a NUL or other control character never reaches FTS5: it separates words', () => {
    assert.equal(matchExpression('a\u0000b'), '"a" "b"');
    assert.equal(matchExpression('flood\u0000'), '"flood"');
    assert.equal(matchExpression('\u0000\u0001\u007f'), undefined);
    assert.equal(matchExpression('flood\u0085barrier'), '"flood" "barrier"');
    assert.doesNotThrow(() => searchArticles(s.ctx.db, matchExpression('flood\u0000barrier') ?? '', 10, 1));
  });
});

describe('after all of that', () => {
  test('the server still answers, and logged no request failure', async () => {
    await assertServed('/feeds/all.rss');
    const failures = s.logs.filter((l) => l.event === 'request_failed');
    assert.deepEqual(failures, []);
  });
});

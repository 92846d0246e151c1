// Which URLs lose what before they are logged: a table of cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactText, redactUrl } from '../../src/observe/redact.js';

const cases: [string, string, string][] = [
  ['no query', 'https://wire.example/feed.xml', 'https://wire.example/feed.xml'],
  ['harmless query', '/feeds/all.rss?limit=5&cursor=abc', '/feeds/all.rss?limit=5&cursor=abc'],
  ['partner key', '/feeds/all.rss?key=wf_abc&limit=5', '/feeds/all.rss?key=REDACTED&limit=5'],
  ['tokens', '/x?token=a&access_token=b&admin_token=c', '/x?token=REDACTED&access_token=REDACTED&admin_token=REDACTED'],
  ['api keys in any spelling', 'https://w.example/f?apikey=1&api_key=2&api-key=3&X-Api-Key=4', 'https://w.example/f?apikey=REDACTED&api_key=REDACTED&api-key=REDACTED&X-Api-Key=REDACTED'],
  ['secrets and signatures', '/cb?hub.secret=s&client_secret=t&signature=u&sig=v', '/cb?hub.secret=REDACTED&client_secret=REDACTED&signature=REDACTED&sig=REDACTED'],
  ['password', '/x?password=p&passwd=q&pwd=r', '/x?password=REDACTED&passwd=REDACTED&pwd=REDACTED'],
  ['percent-encoded name', '/x?%74oken=a', '/x?%74oken=REDACTED'],
  ['fragment kept', '/x?token=a#top', '/x?token=REDACTED#top'],
  ['userinfo', 'https://user:pa55@wire.example/feed', 'https://REDACTED@wire.example/feed'],
  ['userinfo and key', 'http://u:p@h.example/f?key=k', 'http://REDACTED@h.example/f?key=REDACTED'],
  ['a bare name without a value', '/x?token', '/x?token'],
];

for (const [name, url, expected] of cases) {
  test(`redactUrl: ${name}`, () => assert.equal(redactUrl(url), expected));
}

test('redactText masks every URL inside an error message', () => {
  assert.equal(
    redactText('fetch: https://w.example/f?apikey=123 redirected to http://u:p@x.example/g?token=9: too many'),
    'fetch: https://w.example/f?apikey=REDACTED redirected to http://REDACTED@x.example/g?token=REDACTED: too many',
  );
});

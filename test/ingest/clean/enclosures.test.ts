// Enclosures as normalize hands them over (URL resolved, title plain text):
// a media type for each, a length that is a byte count or none, pictures
// left to the image, the same URL once, ten at most.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanEnclosures, MAX_ENCLOSURES, mediaType, type ResolvedEnclosure } from '../../../src/ingest/clean/enclosures.js';

const mp3 = 'https://cdn.example/a.mp3';

describe('cleanEnclosures', () => {
  const cases: [string, ResolvedEnclosure[], ReturnType<typeof cleanEnclosures>][] = [
    ['a typed file with its length', [{ url: mp3, type: 'audio/mpeg', length: '1234' }], [{ url: mp3, type: 'audio/mpeg', length: 1234 }]],
    ['no URL (not http(s), or unresolvable)', [{ url: undefined, type: 'audio/mpeg' }], []],
    ['a picture is the image, not an enclosure', [{ url: 'https://cdn.example/p', type: 'image/png' }], []],
    ['an untyped picture, by its file name', [{ url: 'https://cdn.example/p.JPG' }], []],
    ['no type: guessed from the file name', [{ url: mp3 }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['no type and no telling', [{ url: 'https://cdn.example/x' }], [{ url: 'https://cdn.example/x', type: 'application/octet-stream' }]],
    ['a type with parameters and capitals', [{ url: mp3, type: ' Audio/MPEG; charset=binary' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['a type that is none', [{ url: mp3, type: 'audio mpeg' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['length 0 means unknown', [{ url: mp3, type: 'audio/mpeg', length: '0' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['a negative length', [{ url: mp3, type: 'audio/mpeg', length: '-1' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['a length with a separator', [{ url: mp3, type: 'audio/mpeg', length: '1,234' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['a length past any exact number', [{ url: mp3, type: 'audio/mpeg', length: '99999999999999999999' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['a length in exponent form', [{ url: mp3, type: 'audio/mpeg', length: '1e+30' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['a title and a duration', [{ url: mp3, type: 'audio/mpeg', title: 'Part one', duration: '61.5' }], [{ url: mp3, type: 'audio/mpeg', title: 'Part one', durationSeconds: 61.5 }]],
    ['a duration that is none', [{ url: mp3, type: 'audio/mpeg', duration: '-3' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['the same URL twice', [{ url: mp3, type: 'audio/mpeg' }, { url: mp3, type: 'audio/mpeg', length: '5' }], [{ url: mp3, type: 'audio/mpeg' }]],
    ['a URL too long to be a file', [{ url: `https://cdn.example/${'a'.repeat(5000)}.mp3` }], []],
  ];
  for (const [name, input, want] of cases) {
    test(name, () => assert.deepEqual(cleanEnclosures(input), want));
  }

  test(`fifty become the first ${MAX_ENCLOSURES}`, () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({ url: `https://cdn.example/${i}.mp3` }));
    assert.deepEqual(
      cleanEnclosures(fifty).map((e) => e.url),
      fifty.slice(0, MAX_ENCLOSURES).map((e) => e.url),
    );
  });
});

test('mediaType keeps RFC 6838 names only', () => {
  assert.equal(mediaType('application/vnd.apple.mpegurl'), 'application/vnd.apple.mpegurl');
  assert.equal(mediaType('audio/mp4; codecs="mp4a.40.2"'), 'audio/mp4');
  for (const bad of ['', 'audio', 'audio/', '/mpeg', 'audio/mpeg/x', 'audio/"x"', 'text/html<script>']) assert.equal(mediaType(bad), undefined, bad);
});

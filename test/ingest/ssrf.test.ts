import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertPublicUrl, isNonPublicAddress, type LookupAll, UnsafeUrlError } from '../../src/ingest/ssrf.js';

// No test here resolves a real name: IP literals, `localhost` (resolved
// locally) and a stand-in lookup only.
const noDns: LookupAll = async (host) => {
  throw new Error(`the test tried to resolve ${host}`);
};

describe('SSRF check of source URLs', () => {
  test('loopback, private, link-local, unspecified and multicast addresses are not public', () => {
    for (const address of [
      '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0',
      '100.64.0.1', '224.0.0.1', '239.255.255.250', '255.255.255.255',
      '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:a01:203', '64:ff9b::a01:203',
    ]) {
      assert.equal(isNonPublicAddress(address), true, address);
    }
    for (const address of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '2001:4860:4860::8888']) {
      assert.equal(isNonPublicAddress(address), false, address);
    }
    assert.equal(isNonPublicAddress('not-an-address'), true);
  });

  test('URLs with an IP literal host are judged without a lookup', async () => {
    for (const url of [
      'http://127.0.0.1:8080/feed',
      'http://10.1.2.3/feed.xml',
      'http://[::1]/feed',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:127.0.0.1]/feed',
      'http://2130706433/feed', // 127.0.0.1 written as one number
      'http://0x7f.1/feed',
      'https://[fe80::1]/feed',
    ]) {
      await assert.rejects(assertPublicUrl(url, noDns), UnsafeUrlError, url);
    }
    await assertPublicUrl('https://93.184.215.14/feed.xml', noDns);
    await assertPublicUrl('http://[2606:4700::1111]/feed', noDns);
  });

  test('localhost resolves to loopback and is refused', async () => {
    await assert.rejects(assertPublicUrl('http://localhost:9/feed'), /localhost.*resolves to/);
  });

  test('every address a name resolves to is checked, not only the first', async () => {
    const lookup: LookupAll = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    await assert.rejects(assertPublicUrl('https://news.example/feed', lookup), /resolves to 10\.0\.0\.7/);
    const publicOnly: LookupAll = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ];
    await assertPublicUrl('https://news.example/feed', publicOnly);
  });

  test('a name that does not resolve, and schemes other than http(s), are refused', async () => {
    const missing: LookupAll = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await assert.rejects(assertPublicUrl('https://nowhere.example/feed', missing), /cannot resolve host "nowhere.example": ENOTFOUND/);
    await assert.rejects(assertPublicUrl('file:///etc/passwd', noDns), /http\(s\)/);
    await assert.rejects(assertPublicUrl('ftp://93.184.215.14/feed', noDns), /http\(s\)/);
    await assert.rejects(assertPublicUrl('not a url', noDns), /not a valid URL/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertPublicUrl, isNonPublicAddress, type LookupAll, UnsafeUrlError } from '../../../src/ingest/fetch/ssrf.js';

// No test here resolves a real name: IP literals, `localhost` (resolved
// locally) and a stand-in lookup only.
const noDns: LookupAll = async (host) => {
  throw new Error(`the test tried to resolve ${host}`);
};
// Says every name is public: a URL refused with it is refused for its own spelling.
const everyNamePublic: LookupAll = async () => [{ address: '93.184.216.34', family: 4 }];

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

  // Every spelling of an address that is not public unicast, by name: the
  // special-purpose registries of IANA (RFC 6890 and its updates).
  const refused: [string, string][] = [
    ['IPv4 "this network" 0.0.0.0/8', '0.1.2.3'],
    ['IPv4 unspecified', '0.0.0.0'],
    ['RFC 1918 10/8', '10.255.0.1'],
    ['CGNAT 100.64/10, low end', '100.64.0.0'],
    ['CGNAT 100.64/10, high end', '100.127.255.255'],
    ['loopback 127/8', '127.0.0.1'],
    ['loopback 127/8, not .1', '127.255.255.254'],
    ['link-local 169.254/16, cloud metadata', '169.254.169.254'],
    ['RFC 1918 172.16/12', '172.20.0.1'],
    ['IETF protocol assignments 192.0.0/24', '192.0.0.8'],
    ['documentation TEST-NET-1 192.0.2/24', '192.0.2.10'],
    ['6to4 relay anycast 192.88.99/24', '192.88.99.1'],
    ['RFC 1918 192.168/16', '192.168.100.1'],
    ['benchmarking 198.18/15', '198.19.0.1'],
    ['documentation TEST-NET-2 198.51.100/24', '198.51.100.7'],
    ['documentation TEST-NET-3 203.0.113/24', '203.0.113.99'],
    ['IPv4 multicast 224/4', '233.252.0.1'],
    ['IPv4 reserved 240/4', '250.1.2.3'],
    ['IPv4 limited broadcast', '255.255.255.255'],
    ['IPv6 unspecified ::', '::'],
    ['IPv6 loopback ::1', '::1'],
    ['IPv6 loopback, written out', '0:0:0:0:0:0:0:1'],
    ['IPv4-mapped loopback, dotted', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, hex', '::ffff:7f00:1'],
    ['IPv4-mapped loopback, upper case', '::FFFF:7F00:1'],
    ['IPv4-mapped loopback, written out', '0:0:0:0:0:ffff:7f00:1'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['IPv4-mapped public address (refused too)', '::ffff:8.8.8.8'],
    ['IPv4-compatible loopback, dotted', '::127.0.0.1'],
    ['IPv4-compatible loopback, hex', '::7f00:1'],
    ['IPv4-compatible metadata', '::169.254.169.254'],
    ['IPv4-compatible public address (refused too)', '::8.8.8.8'],
    ['IPv4-translated ::ffff:0:0:0/96', '::ffff:0:7f00:1'],
    ['NAT64 64:ff9b::/96, embedding loopback', '64:ff9b::127.0.0.1'],
    ['NAT64 64:ff9b::/96, embedding a public address', '64:ff9b::808:808'],
    ['local-use NAT64 64:ff9b:1::/48', '64:ff9b:1::a00:1'],
    ['discard-only 100::/64', '100::1'],
    ['IETF protocol assignments 2001::/23', '2001:1::1'],
    ['Teredo 2001::/32', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['benchmarking 2001:2::/48', '2001:2::1'],
    ['ORCHID 2001:10::/28', '2001:10::1'],
    ['ORCHIDv2 2001:20::/28', '2001:20::1'],
    ['documentation 2001:db8::/32', '2001:db8::1'],
    ['6to4 2002::/16, embedding loopback', '2002:7f00:1::1'],
    ['documentation 3fff::/20', '3fff::1'],
    ['unique local fc00::/7', 'fd00:ec2::254'],
    ['unique local fc00::/7, low half', 'fc00::1'],
    ['site-local fec0::/10', 'fec0::1'],
    ['link-local fe80::/10', 'fe80::1'],
    ['link-local with a zone', 'fe80::1%eth0'],
    ['multicast ff00::/8', 'ff02::1'],
    ['outside global unicast 2000::/3', '4000::1'],
    ['not an address', 'not-an-address'],
    ['IPv4 with a leading zero (not an address to net.isIP)', '0127.0.0.1'],
  ];
  for (const [name, address] of refused) {
    test(`refused: ${name} (${address})`, () => {
      assert.equal(isNonPublicAddress(address), true);
    });
  }

  const allowed: [string, string][] = [
    ['Google DNS', '8.8.8.8'],
    ['example.com, IPv4', '93.184.216.34'],
    ['just past 172.16/12', '172.32.0.1'],
    ['just past 192.168/16', '192.169.0.1'],
    ['just past CGNAT 100.64/10', '100.128.0.1'],
    ['just before 198.18/15', '198.17.255.255'],
    ['Cloudflare, IPv6', '2606:4700::1'],
    ['Google DNS, IPv6', '2001:4860:4860::8888'],
    ['just past 2001::/23', '2001:200::1'],
    ['just past 3fff::/20', '3fff:1000::1'],
  ];
  for (const [name, address] of allowed) {
    test(`allowed: ${name} (${address})`, () => {
      assert.equal(isNonPublicAddress(address), false);
    });
  }

  // WHATWG URL turns every other IPv4 spelling into a dotted quad before we look.
  const refusedUrls: [string, string][] = [
    ['IPv4 as one decimal number', 'http://2130706433/feed'],
    ['IPv4 in hex parts', 'http://0x7f.1/feed'],
    ['IPv4 as one octal number', 'http://017700000001/feed'],
    ['IPv4 with parts left out', 'http://127.1/feed'],
    ['IPv4 with octal parts', 'http://0177.0.0.01/feed'],
    ['IPv4 with a trailing dot', 'http://127.0.0.1./feed'],
    ['IPv4 percent-encoded', 'http://%31%32%37.0.0.1/feed'],
    ['IPv4 in full-width digits', 'http://\uff11\uff12\uff17.0.0.1/feed'],
    ['"0" for 0.0.0.0', 'http://0/feed'],
    ['userinfo that looks like a host', 'http://public.example@127.0.0.1/feed'],
    ['userinfo with a password', 'http://93.184.216.34:80@10.0.0.1/feed'],
    ['upper-case scheme', 'HTTP://127.0.0.1/feed'],
    ['IPv4-mapped, dotted', 'http://[::ffff:127.0.0.1]/feed'],
    ['IPv4-mapped, hex', 'http://[::ffff:7f00:1]/feed'],
    ['IPv4-compatible, dotted', 'http://[::127.0.0.1]/feed'],
    ['IPv4-compatible, hex', 'http://[::7f00:1]/feed'],
    ['NAT64', 'http://[64:ff9b::a9fe:a9fe]/latest/meta-data/'],
    ['6to4', 'http://[2002:a9fe:a9fe::]/latest/meta-data/'],
    ['unique local, https', 'https://[fd00:ec2::254]/feed'],
    ['localhost', 'http://localhost/feed'],
    ['localhost with a trailing dot', 'http://localhost./feed'],
    ['localhost in upper case', 'http://LOCALHOST/feed'],
    ['a name under localhost', 'http://feeds.localhost/feed'],
  ];
  for (const [name, url] of refusedUrls) {
    test(`refused for its spelling: ${name} (${url})`, async () => {
      await assert.rejects(assertPublicUrl(url, everyNamePublic), UnsafeUrlError);
    });
  }

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

  test('localhost is refused by its name; another name by the loopback address it resolves to', async () => {
    await assert.rejects(assertPublicUrl('http://localhost:9/feed', noDns), /host "localhost" is a loopback name/);
    const loopback: LookupAll = async () => [{ address: '127.0.0.1', family: 4 }];
    await assert.rejects(assertPublicUrl('http://intranet.example/feed', loopback), /resolves to 127\.0\.0\.1/);
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

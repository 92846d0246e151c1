// Turns a fetched body into text, choosing the character encoding the way
// RFC 7303 section 3 orders it for XML: a byte order mark first, then the
// charset of the HTTP Content-Type, then the XML declaration's encoding,
// else UTF-8 (which is also JSON's only encoding, RFC 8259 8.1).
// A label is a claim, not a fact, so below a byte order mark it is checked
// the way Miniflux and the Universal Feed Parser do: bytes that are valid
// UTF-8 are UTF-8 whatever the label says (a single-byte text with accents
// is almost never valid UTF-8), and UTF-8 that is not valid is windows-1252,
// the encoding of most unlabelled Western feeds, unless jschardet (a port of
// the detector the Universal Feed Parser uses) finds a non-Latin script.
// iconv-lite does the decoding.
import { isUtf8 } from 'node:buffer';
import jschardet from 'jschardet';
import iconv from 'iconv-lite';
import { decodeEbcdic, ebcdicPage, looksEbcdic } from './ebcdic.js';

export class DecodeError extends Error {
  override name = 'DecodeError';
}

const BOMS: [Buffer, string][] = [
  [Buffer.from([0xef, 0xbb, 0xbf]), 'utf-8'],
  // UTF-32's marks before UTF-16's: FF FE 00 00 begins with UTF-16LE's FF FE.
  [Buffer.from([0x00, 0x00, 0xfe, 0xff]), 'utf-32be'],
  [Buffer.from([0xff, 0xfe, 0x00, 0x00]), 'utf-32le'],
  [Buffer.from([0xff, 0xfe]), 'utf-16le'],
  [Buffer.from([0xfe, 0xff]), 'utf-16be'],
];

// Labels that real feeds use for what is really windows-1252: the WHATWG
// Encoding Standard maps them so, and mislabelled "latin-1" feeds full of
// curly quotes from 0x80–0x9F decode correctly that way.
const ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  // Python's name for code page 861 (Icelandic), which the Universal Feed Parser accepts.
  cp_is: 'cp861',
  'cp-is': 'cp861',
};

export interface Decoded {
  text: string;
  encoding: string;
  /** Where the encoding came from. */
  from: 'bom' | 'http' | 'xml-declaration' | 'utf-16-sniffed' | 'default' | 'detected';
}

export function decodeBody(body: Buffer, contentType?: string): Decoded {
  const bom = BOMS.find(([mark]) => body.subarray(0, mark.length).equals(mark));
  if (bom) return decodeAs(body.subarray(bom[0].length), bom[1], 'bom');

  const declared = contentType?.match(/;\s*charset\s*=\s*"?([^";\s]+)"?/i)?.[1];
  if (declared) return checked(body, declared, 'http');

  // UTF-32 and UTF-16 without a BOM show as "<" with zero bytes beside it (XML 1.0 F.1).
  if (body[0] === 0x3c && body[1] === 0x00 && body[2] === 0x00 && body[3] === 0x00) return decodeAs(body, 'utf-32le', 'utf-16-sniffed');
  if (body[0] === 0x00 && body[1] === 0x00 && body[2] === 0x00 && body[3] === 0x3c) return decodeAs(body, 'utf-32be', 'utf-16-sniffed');
  if (body[0] === 0x3c && body[1] === 0x00) return decodeAs(body, 'utf-16le', 'utf-16-sniffed');
  if (body[0] === 0x00 && body[1] === 0x3c) return decodeAs(body, 'utf-16be', 'utf-16-sniffed');
  // EBCDIC: the declaration, read in the common code page 037, names the page.
  if (looksEbcdic(body)) {
    const label = decodeEbcdic(body.subarray(0, 200), 'cp037').match(/^<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/)?.[1];
    return decodeAs(body, label && ebcdicPage(label) ? label : 'cp037', 'xml-declaration');
  }

  const head = body.subarray(0, 200).toString('latin1');
  const fromXml = head.match(/^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/)?.[1];
  // A declaration readable as ASCII cannot be right in saying UTF-16 or UTF-32.
  if (fromXml) return checked(body, ASCII_COMPATIBLE(fromXml.toLowerCase()) ? fromXml : 'utf-8', 'xml-declaration');

  return checked(body, 'utf-8', 'default');
}

/** The labelled encoding unless the bytes say otherwise (see the header). */
function checked(body: Buffer, label: string, from: Decoded['from']): Decoded {
  const encoding = known(label, from);
  if (!ASCII_COMPATIBLE(encoding)) return { text: decodeText(body, encoding), encoding, from };
  const validUtf8 = isUtf8(body);
  if (encoding === 'utf-8' || encoding === 'utf8') {
    if (validUtf8) return { text: body.toString('utf8'), encoding, from };
    return detected(body);
  }
  // Pure ASCII reads the same in every such encoding: keep the label then.
  if (validUtf8 && hasHighBytes(body)) return { text: body.toString('utf8'), encoding: 'utf-8', from: 'detected' };
  return { text: decodeText(body, encoding), encoding, from };
}

// The guesses we take: the East Asian multi-byte encodings, Cyrillic,
// Greek, Hebrew and Thai. A guess of one Latin encoding over another is
// weak on a few headlines (German text scores as Turkish ISO-8859-9), so
// Latin text stays windows-1252, the WHATWG default.
const TRUSTED = new Set([
  'big5', 'gb2312', 'gb18030', 'euc-kr', 'cp949', 'euc-jp', 'shift_jis', 'cp932',
  'koi8-r', 'koi8-u', 'windows-1251', 'maccyrillic', 'ibm866', 'iso-8859-5',
  'windows-1253', 'iso-8859-7', 'windows-1255', 'iso-8859-8', 'tis-620',
]);

/** Bytes that are not UTF-8 and carry no label that fits: a non-Latin guess, else windows-1252. */
function detected(body: Buffer): Decoded {
  const guess = jschardet.detect(body.subarray(0, 64 * 1024).toString('latin1'));
  const name = guess.encoding?.toLowerCase();
  if (name && TRUSTED.has(name) && iconv.encodingExists(name)) return { text: iconv.decode(body, name), encoding: name, from: 'detected' };
  return { text: iconv.decode(body, 'windows-1252'), encoding: 'windows-1252', from: 'detected' };
}

// UTF-16 and UTF-32 put zero bytes beside ASCII, and EBCDIC puts ASCII's
// letters elsewhere, so the UTF-8 check means nothing for them.
const ASCII_COMPATIBLE = (encoding: string) => !/^(utf-?(16|32)|ucs-?[24])/.test(encoding) && !ebcdicPage(encoding);

function hasHighBytes(body: Buffer): boolean {
  for (const byte of body) if (byte >= 0x80) return true;
  return false;
}

function decodeAs(body: Buffer, label: string, from: Decoded['from']): Decoded {
  const encoding = known(label, from);
  return { text: decodeText(body, encoding), encoding, from };
}

// Node's WHATWG decoders, for the few encodings iconv-lite lacks that the
// Encoding Standard has (ISO-2022-JP, a stateful one); "replacement" is the
// Standard's decoder for labels it refuses to decode (HZ, ISO-2022-KR).
const WHATWG = 'whatwg:';

function decodeText(body: Buffer, encoding: string): string {
  if (encoding.startsWith(WHATWG)) return new TextDecoder(encoding.slice(WHATWG.length)).decode(body);
  const page = ebcdicPage(encoding);
  return page ? decodeEbcdic(body, page) : iconv.decode(body, encoding);
}

function whatwgEncoding(label: string): string | undefined {
  try {
    const encoding = new TextDecoder(label).encoding;
    return encoding === 'replacement' ? undefined : encoding;
  } catch {
    return undefined;
  }
}

function known(label: string, from: Decoded['from']): string {
  const lower = label.toLowerCase();
  const encoding = ALIASES[lower] ?? lower;
  if (iconv.encodingExists(encoding) || ebcdicPage(encoding)) return encoding;
  const whatwg = whatwgEncoding(encoding);
  if (whatwg) return WHATWG + whatwg;
  throw new DecodeError(`decode: unknown character encoding "${label}" (from ${from})`);
}

// Turns a fetched body into text, choosing the character encoding the way
// RFC 7303 section 3 orders it for XML: a byte order mark first, then the
// charset of the HTTP Content-Type, then the XML declaration's encoding,
// else UTF-8 (which is also JSON's only encoding, RFC 8259 8.1).
// iconv-lite does the decoding.
import iconv from 'iconv-lite';

export class DecodeError extends Error {
  override name = 'DecodeError';
}

const BOMS: [Buffer, string][] = [
  [Buffer.from([0xef, 0xbb, 0xbf]), 'utf-8'],
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
};

export interface Decoded {
  text: string;
  encoding: string;
  /** Where the encoding came from. */
  from: 'bom' | 'http' | 'xml-declaration' | 'utf-16-sniffed' | 'default';
}

export function decodeBody(body: Buffer, contentType?: string): Decoded {
  const bom = BOMS.find(([mark]) => body.subarray(0, mark.length).equals(mark));
  if (bom) return decodeAs(body.subarray(bom[0].length), bom[1], 'bom');

  const declared = contentType?.match(/;\s*charset\s*=\s*"?([^";\s]+)"?/i)?.[1];
  if (declared) return decodeAs(body, declared, 'http');

  // UTF-16 without a BOM shows as "<" with a zero byte beside it (XML 1.0 F.1).
  if (body[0] === 0x3c && body[1] === 0x00) return decodeAs(body, 'utf-16le', 'utf-16-sniffed');
  if (body[0] === 0x00 && body[1] === 0x3c) return decodeAs(body, 'utf-16be', 'utf-16-sniffed');

  const head = body.subarray(0, 200).toString('latin1');
  const fromXml = head.match(/^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/)?.[1];
  if (fromXml) return decodeAs(body, fromXml, 'xml-declaration');

  return decodeAs(body, 'utf-8', 'default');
}

function decodeAs(body: Buffer, label: string, from: Decoded['from']): Decoded {
  const lower = label.toLowerCase();
  const encoding = ALIASES[lower] ?? lower;
  if (!iconv.encodingExists(encoding)) throw new DecodeError(`decode: unknown character encoding "${label}" (from ${from})`);
  return { text: iconv.decode(body, encoding), encoding, from };
}

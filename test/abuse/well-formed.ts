// Strict checks that a body is what it claims to be, for the abuse tests.
// xml2js (sax) forgives what XML 1.0 forbids (a NUL, "]]>" in text, "<" in
// an attribute value), so XML is read by libxml2's xmllint when it is
// installed, else by Python's expat; our own character check and xml2js
// run first either way, so that a machine with neither still checks the
// commonest faults.
import { spawnSync } from 'node:child_process';
import xml2js from 'xml2js';

/** XML 1.0 section 2.2: the characters no document may hold, even escaped. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

type StrictParser = { name: string; args: string[] } | undefined;

const candidates: { name: string; args: string[] }[] = [
  { name: 'xmllint', args: ['--noout', '-'] },
  {
    name: 'python3',
    args: ['-c', 'import sys, xml.parsers.expat as e\np = e.ParserCreate()\np.Parse(sys.stdin.buffer.read(), True)'],
  },
];

let strict: StrictParser | null = null;

/** The first strict parser that runs here, found once. */
function strictParser(): StrictParser {
  if (strict === null) {
    strict = candidates.find((c) => spawnSync(c.name, c.args, { input: '<ok/>' }).status === 0);
  }
  return strict;
}

/** Which strict XML parser the checks use here ("none" when neither runs). */
export function strictXmlParserName(): string {
  return strictParser()?.name ?? 'none';
}

/** Why `xml` is not a well-formed XML document, or undefined when it is. */
export async function xmlProblem(xml: string): Promise<string | undefined> {
  const forbidden = XML_FORBIDDEN.exec(xml);
  if (forbidden) return `forbidden character U+${forbidden[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${forbidden.index}`;
  try {
    await xml2js.parseStringPromise(xml);
  } catch (err) {
    return `xml2js: ${(err as Error).message.split('\n')[0]}`;
  }
  const parser = strictParser();
  if (!parser) return undefined;
  const run = spawnSync(parser.name, parser.args, { input: xml, maxBuffer: 64 * 1024 * 1024 });
  if (run.status === 0) return undefined;
  return `${parser.name}: ${String(run.stderr).trim().split('\n').slice(0, 3).join(' | ')}`;
}

/** A lone surrogate written as an escape: valid JSON syntax, but not Unicode text (RFC 8259 section 8.2). */
const LONE_SURROGATE_ESCAPE = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;

/** Why `text` is not a JSON document of Unicode text, or undefined when it is. */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch (err) {
    return `JSON.parse: ${(err as Error).message}`;
  }
  const lone = LONE_SURROGATE_ESCAPE.exec(text);
  return lone ? `lone surrogate ${lone[0]} at ${lone.index}` : undefined;
}

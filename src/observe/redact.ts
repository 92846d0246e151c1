// Keeps credentials out of logs and public text. Licensed wires put their
// key in the feed URL's query (`?apikey=…`), admins paste tokens into URLs
// (`?access_token=…`), and a URL may carry `user:password@`: wherever a URL
// is logged, the values of credential-looking query parameters and any
// userinfo are replaced. A key hidden in a path segment cannot be told from
// a slug; such feeds belong in the config file, whose URLs are not logged
// by the request log.

const MASK = 'REDACTED';

/**
 * Parameter names that hold secrets: exact names, and names that contain a
 * telling word (`client_secret`, `hub.secret`, `x-api-key`, `admin_token`).
 */
const SECRET_NAMES = /^(key|sig|sid|pwd|pass|code|jwt|session|auth)$|token|secret|passw|api[-_.]?key|apikey|signature|credential|authoriz|private|session[-_]?id/i;

/** True when a query parameter of this name is taken to carry a credential. */
export function isSecretParameter(name: string): boolean {
  return SECRET_NAMES.test(name);
}

/**
 * The URL (absolute, or a path with a query) with credentials masked. Text
 * that does not parse is returned with any query cut off, the safe side.
 */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const hasUserinfo = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
  if (at < 0 && !hasUserinfo) return url;
  const head = hasUserinfo ? url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${MASK}@`) : url;
  const start = head.indexOf('?');
  if (start < 0) return head;
  const hash = head.indexOf('#', start);
  const query = head.slice(start + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const parts = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      name = rawName;
    }
    if (eq < 0 || !isSecretParameter(name)) return pair;
    changed = true;
    return `${rawName}=${MASK}`;
  });
  if (!changed) return head;
  return `${head.slice(0, start)}?${parts.join('&')}${hash < 0 ? '' : head.slice(hash)}`;
}

/** Every http(s) URL inside free text (an error message) with its credentials masked. */
export function redactText(text: string): string {
  // A URL ends at white space or a quote; punctuation right before that is the sentence's.
  return text.replace(/\bhttps?:\/\/[^\s"'<>]+?(?=[.,;:)\]]*(?:[\s"'<>]|$))/gi, (url) => redactUrl(url));
}

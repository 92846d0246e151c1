// Which route a request was aimed at, when none answered it (for the request
// log and metrics, and the 405 of http/app.ts): a request
// refused before routing (a partner key that is a 401) or sent with a method
// the route does not take (a POST to a feed: 405, RFC 9110 15.5.6). Read from
// the app's own router, so that every route, present and future, counts.
// The router's Layer.match is pure in router 2.x (Express 5): it returns the
// match and leaves the layer as it was.

interface LayerLike {
  match(path: string): false | { path: string };
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle: unknown;
}

interface RouterLike {
  stack: LayerLike[];
}

export interface AimedRoute {
  /** The pattern of the route that would answer, with its router's prefix. */
  pattern: string;
  /** Every method the routes at this path take, lower case (GET implies HEAD in Express). */
  methods: Set<string>;
}

/** The route `path` would be answered by for some method, or undefined when no route has it. */
export function aimedRoute(router: unknown, path: string): AimedRoute | undefined {
  const matches: Match[] = [];
  if (isRouter(router)) walk(router, path, '', matches);
  const last = matches.at(-1);
  if (!last) return undefined;
  // Routers mounted earlier filter (a withdrawn article's 410) and pass on; the first route of the last router answers.
  const answering = matches.find((m) => m.router === last.router) ?? last;
  return { pattern: answering.pattern, methods: new Set(matches.flatMap((m) => m.methods)) };
}

interface Match {
  router: RouterLike;
  pattern: string;
  methods: string[];
}

/** Every route matching `path`, in the order the app tries them. */
function walk(router: RouterLike, path: string, prefix: string, matches: Match[]): void {
  for (const layer of router.stack) {
    let match: false | { path: string };
    try {
      match = layer.match(path);
    } catch {
      // A parameter that does not decode (bad percent-encoding): not this route.
      continue;
    }
    if (!match) continue;
    if (layer.route) {
      const methods = Object.entries(layer.route.methods).filter(([m, on]) => on && m !== '_all').map(([m]) => m);
      matches.push({ router, pattern: `${prefix}${String(layer.route.path)}`, methods });
    } else if (isRouter(layer.handle)) {
      walk(layer.handle, path.slice(match.path.length) || '/', `${prefix}${match.path}`, matches);
    }
  }
}

function isRouter(handle: unknown): handle is RouterLike {
  return typeof handle === 'function' && Array.isArray((handle as Partial<RouterLike>).stack);
}

/**
 * Reads the routing stack of an Express 4 or 5 app or Router: which routes
 * match a path, and what methods they handle. It matches with the layers' own
 * matchers, compiled by Express, so route parameters, `strict routing`,
 * `case sensitive routing`, arrays of paths and RegExp paths behave exactly as
 * in Express. Everything it reads is internal to Express (Express 4's
 * `lib/router`, Express 5's `router` package); it only reads, never calls
 * `layer.match()` (which on Express 4 writes request state onto the layer).
 */

/** The parts of a route (`app.route(path)`) read here: its handled methods, lower-case, `_all` for `.all()`. */
export interface RouteLike {
  readonly methods: Readonly<Record<string, unknown>>;
}

type MatchResult = false | { readonly path: string };

/** The parts of a routing layer read here. */
interface LayerLike {
  readonly route?: RouteLike;
  readonly handle?: unknown;
  /** Express 5 (`router` 2.x): one matcher per path; `slash` is `use('/')`. */
  readonly matchers?: readonly ((path: string) => MatchResult)[];
  readonly slash?: boolean;
  /** Express 4: the compiled path; `fast_slash` is `use('/')`, `fast_star` is `'*'`. */
  readonly regexp?: RegExp & { readonly fast_slash?: boolean; readonly fast_star?: boolean };
}

export type Stack = readonly unknown[];

/** Deeper than any real app; stops a router mounted inside itself. */
const MAX_DEPTH = 32;

/**
 * A function returning the root routing stack of `target`, read when called
 * (not now: Express creates an app's router lazily, with the `strict routing`
 * and `case sensitive routing` settings of that moment); undefined when
 * `target` is neither an Express app nor a Router.
 */
export function stackReader(target: unknown): (() => Stack) | undefined {
  if (typeof target === 'function') {
    const candidate = target as unknown as Record<string, unknown>;
    if (typeof candidate.handle === 'function' && typeof candidate.set === 'function') {
      // Express 4 keeps the router in `_router`, made by `lazyrouter()`; its `app.router` throws.
      if (typeof candidate.lazyrouter === 'function') {
        return () => (candidate._router as { stack?: Stack } | undefined)?.stack ?? [];
      }
      // Express 5: `app.router` is a getter that makes the router on first use.
      if ('router' in candidate) return () => (candidate.router as { stack: Stack }).stack;
    }
    if (
      Array.isArray(candidate.stack) &&
      typeof candidate.route === 'function' &&
      typeof candidate.use === 'function'
    ) {
      return () => candidate.stack as Stack;
    }
  }
  return undefined;
}

/** Every route whose path matches `path`, in `stack` and the Routers mounted in it, at any depth. */
export function routesMatching(stack: Stack, path: string): RouteLike[] {
  const found: RouteLike[] = [];
  collectRoutes(stack, path, found, 0);
  return found;
}

function collectRoutes(stack: Stack, path: string, found: RouteLike[], depth: number): void {
  for (const item of stack) {
    const layer = item as LayerLike;
    if (layer.route) {
      if (matchedPrefix(layer, path) !== undefined) found.push(layer.route);
      continue;
    }
    const nested = nestedStack(layer);
    if (nested === undefined || depth >= MAX_DEPTH) continue;
    const prefix = matchedPrefix(layer, path);
    if (prefix === undefined) continue;
    const rest = pathInside(layer, path, prefix);
    if (rest !== undefined) collectRoutes(nested, rest, found, depth + 1);
  }
}

/** The part of `path` the layer matched, or undefined when it does not match. */
function matchedPrefix(layer: LayerLike, path: string): string | undefined {
  try {
    if (layer.matchers) {
      if (layer.slash) return '';
      for (const matcher of layer.matchers) {
        const match = matcher(path);
        if (match) return match.path;
      }
      return undefined;
    }
    const regexp = layer.regexp;
    if (regexp) {
      if (regexp.fast_slash) return '';
      if (regexp.fast_star) return path;
      return regexp.exec(path)?.[0];
    }
  } catch {
    // A malformed %-escape in a parameter: Express has already answered 400
    // for it before this middleware could run, so "no match" is never sent.
  }
  return undefined;
}

/** The path a mounted Router sees, as Express trims it, or undefined when Express would skip the Router. */
function pathInside(layer: LayerLike, path: string, prefix: string): string | undefined {
  if (prefix.length === 0) return path;
  if (!path.startsWith(prefix)) return undefined;
  const next = path[prefix.length];
  // Express 4 also enters a Router at a dot (`/api.json` in `/api`); Express 5 only at a slash.
  if (next !== undefined && next !== '/' && !(next === '.' && layer.regexp)) return undefined;
  const rest = path.slice(prefix.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The stack of a Router mounted by this layer; undefined for other middleware (sub-apps included). */
function nestedStack(layer: LayerLike): Stack | undefined {
  if (typeof layer.handle !== 'function') return undefined;
  const { stack } = layer.handle as { stack?: unknown };
  return Array.isArray(stack) ? stack : undefined;
}

/** Every stack in the tree under `stack` (itself first), to notice routes and Routers added later. */
export function stacksUnder(stack: Stack, depth = 0, found: Stack[] = []): Stack[] {
  found.push(stack);
  if (depth >= MAX_DEPTH) return found;
  for (const item of stack) {
    const nested = nestedStack(item as LayerLike);
    if (nested !== undefined) stacksUnder(nested, depth + 1, found);
  }
  return found;
}

/** Whether one of `routes` handles `method` as Express dispatches it: `.all()`, and HEAD by a GET route. */
export function handlesMethod(routes: readonly RouteLike[], method: string): boolean {
  const name = method.toLowerCase();
  for (const { methods } of routes) {
    if (has(methods, '_all') || has(methods, name)) return true;
    if (name === 'head' && has(methods, 'get')) return true;
  }
  return false;
}

/**
 * The methods `routes` handle, upper-case (RFC 9110 method names are
 * case-sensitive; Express stores them lower-case), with HEAD for GET,
 * sorted. Empty when the routes have no handlers yet.
 */
export function methodsOf(routes: readonly RouteLike[]): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    for (const name of Object.keys(route.methods)) {
      if (name === '_all' || !route.methods[name]) continue;
      methods.add(name.toUpperCase());
      if (name === 'get') methods.add('HEAD');
    }
  }
  return [...methods].sort();
}

function has(methods: Readonly<Record<string, unknown>>, name: string): boolean {
  return Object.hasOwn(methods, name) && Boolean(methods[name]);
}

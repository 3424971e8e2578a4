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

/**
 * Every route whose path matches `path`, in `stack` and the Routers mounted
 * in it, at any depth. A Router can be mounted inside itself (a recursive
 * tree, `dir.use('/a', dir)`), so the walk is over states, a stack and the
 * path it sees, each read once: a Router entered again with the same path
 * finds the same routes. Each path seen is `path` or one of its tails (with
 * a `/` put before), so there are at most two per character of `path` for
 * each Router, and the work is bounded by that times the layers, whatever the
 * mounts. A mount that consumes nothing (`use('/', router)`) thus ends too.
 */
export function routesMatching(stack: Stack, path: string): RouteLike[] {
  const found = new Set<RouteLike>();
  const seen = new Map<Stack, Set<string>>();
  const pending: [Stack, string][] = [];
  const visit = (next: Stack, nextPath: string): void => {
    const paths = seen.get(next) ?? new Set<string>();
    if (paths.has(nextPath)) return;
    seen.set(next, paths.add(nextPath));
    pending.push([next, nextPath]);
  };
  visit(stack, path);
  for (let state = pending.pop(); state !== undefined; state = pending.pop()) {
    const [current, currentPath] = state;
    for (const item of current) {
      const layer = item as LayerLike;
      if (layer.route) {
        if (matchedPrefix(layer, currentPath) !== undefined) found.add(layer.route);
        continue;
      }
      const nested = nestedStack(layer);
      if (nested === undefined) continue;
      const prefix = matchedPrefix(layer, currentPath);
      if (prefix === undefined) continue;
      const rest = pathInside(layer, currentPath, prefix);
      if (rest !== undefined) visit(nested, rest);
    }
  }
  return [...found];
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

/**
 * Every stack in the tree under `stack` (itself first), to notice routes and
 * Routers added later: each once, however often it is mounted (in itself too).
 */
export function stacksUnder(stack: Stack): Stack[] {
  const found = new Set<Stack>([stack]);
  // A Set's iteration also visits what is added to it meanwhile.
  for (const current of found) {
    for (const item of current) {
      const nested = nestedStack(item as LayerLike);
      if (nested !== undefined) found.add(nested);
    }
  }
  return [...found];
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

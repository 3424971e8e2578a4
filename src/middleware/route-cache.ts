import { routesMatching, stacksUnder, type RouteLike, type Stack } from './express-routes.js';

/** Paths longer than this are matched every time rather than cached, so the cache stays small. */
const MAX_CACHED_PATH_LENGTH = 1024;

/**
 * The routes matching each request path, in a least-recently-used cache of
 * `size` paths over the routing tree `readStack()` returns. The cache is
 * dropped as soon as a stack in the tree changes length (a route, middleware
 * or Router added or removed, at any depth), checked on every lookup: one
 * length comparison per Router. Methods added later to a cached route
 * (`app.route(path).get().put()`) are seen without that, because the routes
 * themselves are cached, not their methods.
 */
export class RouteCache {
  readonly #readStack: () => Stack;
  readonly #size: number;
  readonly #paths = new Map<string, readonly RouteLike[]>();
  #stacks: Stack[] = [];
  #lengths: number[] = [];

  constructor(readStack: () => Stack, size: number) {
    this.#readStack = readStack;
    this.#size = size;
  }

  /** The routes whose path matches `path` (relative to the app or Router read), at any depth. */
  routesFor(path: string): readonly RouteLike[] {
    const root = this.#readStack();
    if (this.#changed(root)) this.#reset(root);
    const cached = this.#paths.get(path);
    if (cached !== undefined) {
      // Most recently used last: delete and set again.
      this.#paths.delete(path);
      this.#paths.set(path, cached);
      return cached;
    }
    const routes = routesMatching(root, path);
    if (this.#size > 0 && path.length <= MAX_CACHED_PATH_LENGTH) {
      if (this.#paths.size >= this.#size) {
        this.#paths.delete(this.#paths.keys().next().value as string);
      }
      this.#paths.set(path, routes);
    }
    return routes;
  }

  #changed(root: Stack): boolean {
    if (this.#stacks[0] !== root) return true;
    for (let i = 0; i < this.#stacks.length; i++) {
      if (this.#stacks[i]!.length !== this.#lengths[i]) return true;
    }
    return false;
  }

  #reset(root: Stack): void {
    this.#paths.clear();
    this.#stacks = stacksUnder(root);
    this.#lengths = this.#stacks.map((stack) => stack.length);
  }
}

import { Router, type Request, type Response } from 'express';
import { deprecated, type DeprecatedOptions } from '../src/index.js';
import { asyncHandler } from './async-handler.js';
import type { User, UserStore } from './user-store.js';
import { findUser } from './users.js';

/** `/v1`: deprecated a year ago and past its sunset, so every path under it answers 410. */
export const V1_DEPRECATION = {
  since: '2024-06-30T00:00:00Z',
  sunset: '2025-03-31T00:00:00Z',
  link: 'https://api.example.com/docs/migrating-from-v1',
} as const satisfies DeprecatedOptions;

/** `/v2`: deprecated, but still answering until its sunset. */
export const V2_DEPRECATION = {
  since: '2025-05-01T00:00:00Z',
  sunset: '2027-12-31T00:00:00Z',
  link: {
    deprecation: 'https://api.example.com/docs/migrating-from-v2',
    sunset: 'https://api.example.com/docs/sunset-policy',
  },
} as const satisfies DeprecatedOptions;

/** The fields `/v2` returned, in its `{ data }` envelope: no role, no createdAt. */
interface V2User {
  id: string;
  name: string;
  email: string;
}

export interface VersionsOptions {
  store: UserStore;
  now: () => number;
}

/**
 * The older versions of the API. The current one is unversioned. Every
 * response under `/v1` and `/v2` carries `Deprecation`, `Sunset` and `Link`;
 * from its sunset on, a version answers `410 Gone` for every method and path.
 */
export function versionsRouter({ store, now }: VersionsOptions): Router {
  const router = Router();
  router.use('/v1', deprecated({ ...V1_DEPRECATION, now }));
  router.use('/v2', deprecated({ ...V2_DEPRECATION, now }), v2Router(store));
  return router;
}

function v2Router(store: UserStore): Router {
  const router = Router();
  router.get('/users', asyncHandler(listUsers));
  router.get('/users/:id', asyncHandler(getUser));
  return router;

  async function listUsers(_req: Request, res: Response): Promise<void> {
    res.json({ data: (await store.list()).map(toV2) });
  }

  async function getUser(req: Request<{ id: string }>, res: Response): Promise<void> {
    res.json({ data: toV2(await findUser(store, req.params.id)) });
  }
}

function toV2({ id, name, email }: User): V2User {
  return { id, name, email };
}

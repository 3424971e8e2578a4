import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { created, found, noContent, NotFoundError, requireContentType } from '../src/index.js';
import { asyncHandler } from './async-handler.js';
import type { User, UserStore } from './user-store.js';

/**
 * The body of `POST /users`. A failed parse throws a `ZodError`, which
 * `errorHandler` answers with a 422 listing each field by JSON Pointer.
 */
const newUserSchema = z.object(
  {
    name: z
      .string({ error: 'Must be a string.' })
      .trim()
      .min(1, { error: 'Must not be empty.' })
      .max(100, { error: 'Must be at most 100 characters.' }),
    email: z.email({ error: 'Must be an email address.' }),
  },
  { error: 'Must be a JSON object.' },
);

type IdParams = { id: string };

/**
 * `/users`, `/users/latest`, `/users/:id` and `/users/:id/avatar`. Other
 * methods get a 405 with `Allow` from `methodNotAllowed(app)`, which reads
 * these routes. `lock` guards the creation: a retried `POST /users` with its
 * `Idempotency-Key` does not create the user twice. `welcome` is what a
 * creation waits for once the user is stored, as a call to a mail service.
 */
export function usersRouter(
  store: UserStore,
  lock: RequestHandler,
  welcome: (user: User) => Promise<void>,
): Router {
  const router = Router();
  router
    .route('/users')
    .get(asyncHandler(listUsers))
    .post(requireContentType('application/json'), lock, asyncHandler(createUser));
  // Before `/users/:id`, which would take "latest" for an id.
  router.get('/users/latest', asyncHandler(latestUser));
  router.route('/users/:id').get(asyncHandler(getUser)).delete(asyncHandler(deleteUser));
  router.get('/users/:id/avatar', asyncHandler(getAvatar));
  return router;

  async function listUsers(_req: Request, res: Response): Promise<void> {
    res.json({ users: await store.list() });
  }

  async function createUser(req: Request, res: Response): Promise<void> {
    const user = await store.create(newUserSchema.parse(req.body));
    await welcome(user);
    // The id is only unique here; the global identifier names the user across services.
    created(res, `/users/${user.id}`, user, { globalId: `urn:uuid:${randomUUID()}` });
  }

  /** 302 to the newest user, so a client can follow it; 404 when there are no users. */
  async function latestUser(_req: Request, res: Response): Promise<void> {
    const user = await store.latest();
    if (!user) throw new NotFoundError('There are no users.');
    found(res, `/users/${user.id}`);
  }

  async function getUser(req: Request<IdParams>, res: Response): Promise<void> {
    res.json(await findUser(store, req.params.id));
  }

  async function deleteUser(req: Request<IdParams>, res: Response): Promise<void> {
    if (!(await store.delete(req.params.id))) throw userNotFound(req.params.id);
    noContent(res);
  }

  async function getAvatar(req: Request<IdParams>, res: Response): Promise<void> {
    const user = await findUser(store, req.params.id);
    res.type('image/svg+xml').send(avatarSvg(user));
  }
}

/** The user with this id, or a 404.1. */
export async function findUser(store: UserStore, id: string): Promise<User> {
  const user = await store.get(id);
  if (!user) throw userNotFound(id);
  return user;
}

function userNotFound(id: string): NotFoundError {
  return new NotFoundError(`There is no user with the id ${JSON.stringify(id)}.`, {
    subCode: '404.1',
  });
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** A round badge with the user's initials. */
function avatarSvg(user: User): string {
  const initials = user.name
    .split(/\s+/)
    .map((word) => word.charAt(0).toUpperCase())
    .join('')
    .slice(0, 2)
    .replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char);
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">' +
    '<circle cx="32" cy="32" r="32" fill="#4a6fa5"/>' +
    `<text x="32" y="40" font-size="24" text-anchor="middle" fill="#fff">${initials}</text>` +
    '</svg>'
  );
}

import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { accepted } from '../src/index.js';

/**
 * `POST /exports` queues an export of the users and answers at once with
 * `202 Accepted`: the work is not done yet, so there is nothing to point a
 * `Location` at. The body names the job.
 */
export function exportsRouter(): Router {
  const router = Router();
  router.post('/exports', queueExport);
  return router;
}

function queueExport(_req: Request, res: Response): void {
  accepted(res, { id: randomUUID(), status: 'queued' });
}

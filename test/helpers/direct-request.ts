import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Express, Request, RequestHandler, Response } from 'express';

/**
 * A request and its response as `app` hands them to middleware, made
 * without a connection, so that a test can run middleware for many
 * requests in one turn of the event loop: `address` is the client's,
 * `body` what a body parser would have put on the request.
 */
export function directRequest(
  app: Express,
  {
    method = 'GET',
    url = '/',
    headers = {},
    address = '203.0.113.7',
    body,
  }: {
    method?: string;
    url?: string;
    headers?: Record<string, string>;
    address?: string;
    body?: unknown;
  } = {},
): { req: Request; res: Response } {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: address });
  const req = new IncomingMessage(socket) as Request;
  req.method = method;
  req.url = url;
  req.headers = { host: 'localhost', ...headers };
  const res = new ServerResponse(req) as Response;
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  Object.assign(req, { app, res, body, originalUrl: url, baseUrl: '' });
  Object.assign(res, { req });
  return { req, res };
}

/**
 * How middleware passed a request on: `'next'`, the status of the error it
 * passed to `next` (500 without one), or `threw: <message>` for a throw,
 * which Express would pass on as a 500.
 */
export type Pass = 'next' | number | `threw: ${string}`;

/**
 * Runs `middleware` for a request: resolves with the first way it passes
 * the request on. Each way it does, for as long as the test waits, is also
 * pushed to `passes`: a middleware passes a request on once, so a second
 * entry is a second answer.
 */
export function outcomeOf(
  middleware: RequestHandler,
  { req, res }: { req: Request; res: Response },
  passes: Pass[] = [],
): Promise<Pass> {
  return new Promise((resolve) => {
    const passed = (pass: Pass) => {
      passes.push(pass);
      resolve(pass);
    };
    try {
      void middleware(req, res, (error?: unknown) => {
        passed(error === undefined ? 'next' : ((error as { status?: number }).status ?? 500));
      });
    } catch (error) {
      passed(`threw: ${(error as Error).message}`);
    }
  });
}

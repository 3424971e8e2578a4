/**
 * The load client: a fixed number of requests over a keep-alive agent at a
 * fixed concurrency, to loopback only. It measures throughput as seen by the
 * client; CPU cost is measured by the server itself.
 */
import { Agent, request } from 'node:http';

export interface Target {
  readonly port: number;
  readonly method: string;
  readonly path: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly elapsedMs: number;
  /** How many responses had each status. */
  readonly statuses: Readonly<Record<number, number>>;
}

export interface Sample {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

function once(agent: Agent, target: Target): Promise<{ status: number; body?: Buffer }>;
function once(agent: Agent, target: Target, keepBody: true): Promise<Sample>;
function once(agent: Agent, target: Target, keepBody = false): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: '127.0.0.1', port: target.port, method: target.method, path: target.path },
      (res) => {
        const chunks: Buffer[] = [];
        if (keepBody) res.on('data', (chunk: Buffer) => chunks.push(chunk));
        else res.resume();
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`No response within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

/** A keep-alive agent with one socket per concurrent request; the caller destroys it. */
export function keepAliveAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency });
}

/**
 * Sends `requests` requests, `concurrency` at a time, on `agent` (reusing its
 * open connections), and counts the statuses.
 */
export async function drive(
  agent: Agent,
  target: Target,
  requests: number,
  concurrency: number,
): Promise<LoadResult> {
  const statuses: Record<number, number> = {};
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < requests) {
      issued += 1;
      const { status } = await once(agent, target);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  return { requests, elapsedMs: performance.now() - started, statuses };
}

/** One request, with its status, headers and body, to show what a variant answers. */
export async function probe(target: Target): Promise<Sample> {
  const agent = new Agent({ keepAlive: false });
  try {
    return await once(agent, target, true);
  } finally {
    agent.destroy();
  }
}

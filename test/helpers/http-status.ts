import { Agent, get } from 'node:http';

/**
 * A client for bursts of concurrent GETs on loopback that reads only the
 * status. At most `sockets` connections at once, kept alive: thousands of
 * simultaneous connects overflow the server's accept queue on a loaded
 * machine (ECONNRESET); past `sockets`, requests wait in the agent.
 */
export function statusClient(sockets = 200) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return {
    status(url: string, headers: Record<string, string> = {}): Promise<number> {
      return new Promise((resolve, reject) => {
        get(url, { agent, headers }, (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode!));
        }).once('error', reject);
      });
    },
    close: () => agent.destroy(),
  };
}

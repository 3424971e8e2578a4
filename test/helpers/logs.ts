import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A real pino logger whose lines are collected, as written (`raw`) and parsed (`lines`), for assertions. */
export function captureLogs(): {
  logger: Logger;
  lines: Record<string, unknown>[];
  raw: string[];
} {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines, raw };
}

/** Waits until pino has flushed what was logged so far (pino writes synchronously to a Writable, but be safe). */
export async function flushed(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

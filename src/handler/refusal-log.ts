import { storedKey } from '../clients/stored-key.js';
import { currentClock } from '../time/clock.js';

/** Clients whose refusals are timed apart; past it, the rest share one entry, so memory stays bounded. */
export const MAX_REFUSAL_KEYS = 10_000;
/** How often a full table may be searched for expired entries: a flood of new keys must not make each refusal a scan. */
const SWEEP_EVERY_MS = 1000;

interface Entry {
  /** Until when further refusals of this key are only counted. */
  until: number;
  /** Refusals counted and not logged since the key's last line. */
  notLogged: number;
}

/**
 * Decides which refusals are logged: the first of each client and code,
 * then at most one per `intervalMs`, each with the number of refusals that
 * were not logged before it. So a flood of refusals from N clients makes at
 * most N lines per interval (and at most `MAX_REFUSAL_KEYS + 1` per code),
 * whatever its size.
 */
export class RefusalLog {
  readonly #entries = new Map<string, Entry>();
  #lastSweep = -Infinity;

  constructor(
    readonly intervalMs: number,
    readonly now: () => number = currentClock().now,
  ) {}

  /**
   * Whether to log this refusal: `undefined` to drop it, else the number of
   * refusals of the same key and code not logged since its previous line.
   */
  admit(code: string, key: string | undefined): number | undefined {
    if (this.intervalMs === 0) return 0;
    const now = this.now();
    // Keys may come from client input: a long one is kept as a digest.
    let id = `${code}\u0000${key === undefined ? '' : storedKey(key)}`;
    let entry = this.#entries.get(id);
    if (entry === undefined && this.#entries.size >= MAX_REFUSAL_KEYS) {
      this.#forgetExpired(now);
      if (this.#entries.size >= MAX_REFUSAL_KEYS) {
        id = `${code}\u0000\u0000overflow`;
        entry = this.#entries.get(id);
      }
    }
    if (entry !== undefined && now < entry.until) {
      entry.notLogged++;
      return undefined;
    }
    const notLogged = entry?.notLogged ?? 0;
    this.#entries.set(id, { until: now + this.intervalMs, notLogged: 0 });
    return notLogged;
  }

  /** How many clients' refusals are being timed now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets clients whose interval is over (their uncounted refusals with them), at most once a second. */
  #forgetExpired(now: number): void {
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    for (const [id, entry] of this.#entries) {
      if (entry.until <= now) this.#entries.delete(id);
    }
  }
}

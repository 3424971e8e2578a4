/** A user of the example API. */
export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly role: 'admin' | 'member';
  /** ISO 8601. */
  readonly createdAt: string;
}

export type NewUser = Pick<User, 'name' | 'email'>;

/**
 * A domain error: the store knows nothing of HTTP. `createExampleApp` maps
 * it to a 409 `ConflictError` whose `Location` points at the existing user.
 */
export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
  constructor(readonly existingId: string) {
    super('A user with this email already exists.');
  }
}

const SEED: readonly User[] = [
  {
    id: '1',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    role: 'admin',
    createdAt: '2024-01-15T09:00:00.000Z',
  },
  {
    id: '2',
    name: 'Grace Hopper',
    email: 'grace@example.com',
    role: 'member',
    createdAt: '2024-02-20T14:30:00.000Z',
  },
];

/**
 * An in-memory user store, seeded with two users. Its methods are async
 * like a database client's, so the routes show how to hand rejections to
 * Express 4.
 */
export class UserStore {
  readonly #users = new Map<string, User>();
  readonly #now: () => number;
  #lastId = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    for (const user of SEED) this.#insert(user);
  }

  async list(): Promise<User[]> {
    return [...this.#users.values()];
  }

  async get(id: string): Promise<User | undefined> {
    return this.#users.get(id);
  }

  /** The user created last (the highest id still present), or undefined when there is none. */
  async latest(): Promise<User | undefined> {
    let latest: User | undefined;
    for (const user of this.#users.values()) {
      if (latest === undefined || Number(user.id) > Number(latest.id)) latest = user;
    }
    return latest;
  }

  /** Adds a member; throws `EmailTakenError` if the email (in any case) is in use. */
  async create({ name, email }: NewUser): Promise<User> {
    const existing = this.#findByEmail(email);
    if (existing) throw new EmailTakenError(existing.id);
    return this.#insert({
      id: String(this.#lastId + 1),
      name,
      email,
      role: 'member',
      createdAt: new Date(this.#now()).toISOString(),
    });
  }

  /** Whether there was a user to delete. */
  async delete(id: string): Promise<boolean> {
    return this.#users.delete(id);
  }

  get size(): number {
    return this.#users.size;
  }

  #findByEmail(email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.#users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  #insert(user: User): User {
    this.#users.set(user.id, user);
    this.#lastId = Math.max(this.#lastId, Number(user.id));
    return user;
  }
}

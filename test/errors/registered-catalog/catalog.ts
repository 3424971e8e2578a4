/**
 * What a user's project does to add a status of its own: a catalog that
 * extends the default one, registered so that sub-codes type-check, and a
 * class for the new status made with defineErrorClass().
 *
 * The registration is global to a TypeScript program, so this folder is a
 * program of its own (tsconfig.json here, left out of test/tsconfig.json):
 * the other tests keep the default catalog's types.
 */
import { defaultEntries, defineCatalog, defineErrorClass } from '../../../src/index.js';

export const catalog = defineCatalog([
  ...defaultEntries,
  {
    status: 460,
    name: 'CREDIT_EXHAUSTED',
    title: 'Credit Exhausted',
    description: 'The account has no credit left for this request. Top it up and retry.',
    headers: ['X-Credit-Balance'],
  },
  {
    status: 460,
    subCode: '460.1',
    name: 'TRIAL_CREDIT_EXHAUSTED',
    title: 'Trial credit exhausted',
    description: 'The free trial credit is used up. Choose a plan to go on.',
    headers: ['X-Credit-Balance'],
  },
]);

declare module '../../../src/catalog/catalog.js' {
  interface Register {
    catalog: typeof catalog;
  }
}

/** 460. `balance`, the credit left, is sent as `X-Credit-Balance` and as the `balance` member. */
export const CreditExhaustedError = defineErrorClass<460, { balance?: number }>(
  460,
  'CreditExhaustedError',
  {
    options: { balance: 'optional' },
    imply: ({ balance }) =>
      balance === undefined
        ? {}
        : { headers: { 'X-Credit-Balance': String(balance) }, extensions: { balance } },
  },
);

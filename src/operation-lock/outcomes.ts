import { operationLockChannel, type OperationLockMessage } from '../observability/channels.js';
import type { Attempt } from './attempt.js';
import type { LockWarnings } from './warnings.js';

/** Tells the operation-lock channel's subscribers about an outcome. */
export function publishOutcome(
  outcome: OperationLockMessage['outcome'],
  { operation, req }: Attempt,
): void {
  if (!operationLockChannel.hasSubscribers) return;
  const message: OperationLockMessage = {
    outcome,
    key: operation.key,
    client: operation.client,
    req,
  };
  operationLockChannel.publish(message);
}

/** Tells of a lease found lost, once per request: a retry may have run beside it. */
export function tellLeaseLost(attempt: Attempt, warnings: LockWarnings): void {
  if (attempt.lost) return;
  attempt.lost = true;
  publishOutcome('expired', attempt);
  warnings.leaseLost();
}

/** The shapes of a deposit, shared by the mailboxes and the forward queue (docs/relay.md, "Deposit"). */
import type { RelayDoor } from '../../store/records.js'

/** Where a deposit goes: a mailbox door, or the forward queue (trusted depositor, no mailbox). */
export type DepositRoute = RelayDoor | 'forward'

export interface DepositInput {
  depositor: string
  recipient: string
  /** Envelope id, lowercase hex. */
  id: string
  envelope: Uint8Array
  /** Envelope.expiresAt (0: none given). */
  expiresAt: number
}

export type DepositOutcome =
  | { stored: true, duplicate: boolean, route: DepositRoute }
  | { stored: false, code: 'QUOTA' | 'EXPIRED' | 'NOT_FOUND' }

/** A deposit waiting for its queue's lock, with its clamped expiry. */
export interface QueuedDeposit<D extends DepositRoute = DepositRoute> {
  input: DepositInput
  door: D
  now: number
  expiresAt: number
}

/**
 * What a deposit decided under its queue's lock: a refusal, a duplicate (stored before, or
 * being written now), or a write already issued with the rollback of its reservation.
 */
export type DepositStep =
  | { refused: 'QUOTA' | 'NOT_FOUND' }
  | { duplicate: true }
  | { duplicateOf: Promise<void> }
  | { write: Promise<void>, rollback: () => void }

/**
 * Finishes a deposit outside the lock: waits for its write (or for the write of the same id
 * in flight), undoes the reservation if the write fails, and says what happened.
 */
export async function settleDeposit (step: DepositStep, route: DepositRoute, pending: Map<string, Promise<void>>, pendingKey: string): Promise<DepositOutcome> {
  if ('refused' in step) return { stored: false, code: step.refused }
  if ('duplicate' in step) return { stored: true, duplicate: true, route }
  if ('duplicateOf' in step) {
    await step.duplicateOf
    return { stored: true, duplicate: true, route }
  }
  try {
    await step.write
  } catch (err) {
    step.rollback()
    throw err
  } finally {
    pending.delete(pendingKey)
  }
  return { stored: true, duplicate: false, route }
}

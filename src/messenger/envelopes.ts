/**
 * Building envelopes (src/wire/envelope.proto): the unit every path carries unchanged.
 */
import { randomBytes } from 'node:crypto'
import { peerIdBytesFromIdentityKey } from '../crypto/identity.js'
import type { SessionMessage } from '../crypto/session/index.js'
import { Envelope } from '../wire/envelope.js'

export const ENVELOPE_ID_LENGTH = 16

export interface BuiltEnvelope {
  id: Uint8Array
  bytes: Uint8Array
}

export function buildEnvelope (senderIdentityKey: Uint8Array, recipientIdentityKey: Uint8Array, message: SessionMessage, now: number, ttlMs: number): BuiltEnvelope {
  const id = new Uint8Array(randomBytes(ENVELOPE_ID_LENGTH))
  const bytes = Envelope.encode({
    id: id as Uint8Array<ArrayBuffer>,
    sender: peerIdBytesFromIdentityKey(senderIdentityKey) as Uint8Array<ArrayBuffer>,
    recipient: peerIdBytesFromIdentityKey(recipientIdentityKey) as Uint8Array<ArrayBuffer>,
    createdAt: BigInt(now),
    kind: message.kind === 'prekey' ? Envelope.Kind.PREKEY : Envelope.Kind.RATCHET,
    payload: message.bytes as Uint8Array<ArrayBuffer>,
    expiresAt: BigInt(now + ttlMs)
  })
  return { id, bytes }
}

export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

export function fromHexId (id: string): Uint8Array {
  return new Uint8Array(Buffer.from(id, 'hex'))
}

/** Envelopes for the dm service's tests: random ids and payloads, encoded here (as a messenger would). */
import { randomBytes } from 'node:crypto'
import { Envelope } from '../../src/wire/envelope.js'
import type { ParsedEnvelope } from '../../src/wire/strict/envelope.js'
import type { PeerId } from '@libp2p/interface'

/** An envelope's fields and its bytes (encoded here, so that a test can make ones the service must refuse). */
export function makeEnvelope (from: PeerId, to: PeerId, payload = randomBytes(100)): ParsedEnvelope {
  const fields: Envelope = {
    id: new Uint8Array(randomBytes(16)),
    sender: from.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    recipient: to.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    createdAt: BigInt(Date.now()),
    kind: Envelope.Kind.RATCHET,
    payload: new Uint8Array(payload),
    expiresAt: 0n
  }
  return { ...fields, bytes: Envelope.encode(fields) }
}

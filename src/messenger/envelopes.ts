/**
 * Building envelopes (src/wire/envelope.proto): the unit every path carries unchanged. The
 * envelope itself - its limits, its encoding, its one decode - belongs to src/wire/strict/envelope.ts.
 */
import type { SessionMessage } from '../crypto/session/index.js'
import { Envelope } from '../wire/envelope.js'
import { encodeEnvelope, ENVELOPE_ID_BYTES, type EnvelopeBytes } from '../wire/strict/envelope.js'

/**
 * An envelope from `sender` to `recipient`, binary peer IDs already checked (identity.ts:
 * peerIdBytesFromIdentityKey, peerIdBytesFromPeerId): checking both keys' points on every
 * envelope cost two Ed25519 point decodings a message. Its id is ENVELOPE_ID_BYTES of
 * `random` (the crypto provider's source, pooled on the OS: one draw from OpenSSL per 4 KiB
 * instead of one call per envelope).
 */
export function buildEnvelope (sender: Uint8Array, recipient: Uint8Array, message: SessionMessage, now: number, ttlMs: number, random: (length: number) => Uint8Array): EnvelopeBytes {
  return encodeEnvelope({
    id: random(ENVELOPE_ID_BYTES) as Uint8Array<ArrayBuffer>,
    sender: sender as Uint8Array<ArrayBuffer>,
    recipient: recipient as Uint8Array<ArrayBuffer>,
    createdAt: BigInt(now),
    kind: message.kind === 'prekey' ? Envelope.Kind.PREKEY : Envelope.Kind.RATCHET,
    payload: message.bytes as Uint8Array<ArrayBuffer>,
    expiresAt: BigInt(now + ttlMs)
  })
}

export function hex (bytes: Uint8Array): string {
  // A view of the same memory, not a copy (Buffer.from(array) copies).
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function fromHexId (id: string): Uint8Array {
  return new Uint8Array(Buffer.from(id, 'hex'))
}

/**
 * Strict decoding and encoding of mailbox protocol frames (src/wire/mailbox.proto,
 * docs/relay.md "Frames"). protons checks neither field lengths nor that exactly one request
 * is present: both are checked here, and every failure becomes a typed error.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { identityKeyFromPeerIdBytes, peerIdFromIdentityKey } from '../crypto/identity.js'
import { truncateUtf8 } from '../net/text.js'
import { Envelope } from '../wire/envelope.js'
import { parseEnvelope, type ParsedEnvelope } from '../wire/strict/envelope.js'
import { MailboxRequest, MailboxResponse } from '../wire/mailbox.js'
import {
  CAPABILITY_BYTES, CAPABILITY_HASH_BYTES, ENVELOPE_ID_BYTES, MAX_ACK_IDS, MAX_CAPABILITIES_PER_REQUEST,
  MAX_DELIVER_ENVELOPES, MAX_ENVELOPE_BYTES, MAX_ERROR_MESSAGE_BYTES, MAX_FETCH_LIMIT, MAX_PREKEY_BYTES,
  MAX_PREKEYS_PER_UPLOAD
} from './constants.js'
import { RelayProtocolError, type RelayRefusalCode } from './errors.js'
import type { Uint8ArrayList } from 'uint8arraylist'

export type DecodedRequest =
  | { type: 'register' }
  | { type: 'deposit', envelope: Uint8Array, capability?: Uint8Array }
  | { type: 'fetch', cursor: number, limit: number }
  | { type: 'ack', ids: Uint8Array[] }
  | { type: 'subscribe' }
  | { type: 'settings', firstContactOpen: boolean }
  | { type: 'capabilities', add: Uint8Array[], remove: Uint8Array[] }
  | { type: 'uploadPrekeys', bundles: Uint8Array[], replace: boolean }
  | { type: 'takePrekey', owner: string }
  | { type: 'status' }
  | { type: 'deliver', envelopes: Uint8Array[] }

/** A request that decodes but breaks a field limit, or does not decode: answered MALFORMED. */
export class MalformedRequestError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

const REQUEST_LIMITS = {
  ack: { ids: MAX_ACK_IDS },
  capabilities: { add: MAX_CAPABILITIES_PER_REQUEST, remove: MAX_CAPABILITIES_PER_REQUEST },
  uploadPrekeys: { bundles: MAX_PREKEYS_PER_UPLOAD },
  deliver: { envelopes: MAX_DELIVER_ENVELOPES }
}

const RESPONSE_LIMITS = { envelopes: MAX_FETCH_LIMIT }

function allOfLength (list: Uint8Array[], length: number, what: string): void {
  for (const item of list) if (item.byteLength !== length) throw new MalformedRequestError(`${what} must be ${length} bytes`)
}

/** The peer ID string of binary peer ID bytes; MalformedRequestError unless an Ed25519 peer ID. */
export function peerIdStringFromBytes (bytes: Uint8Array): string {
  try {
    return peerIdFromIdentityKey(identityKeyFromPeerIdBytes(bytes))
  } catch {
    throw new MalformedRequestError('not an Ed25519 peer ID')
  }
}

/** Decodes one request frame; MalformedRequestError on anything but exactly one well-formed request. */
export function decodeRequest (frame: Uint8Array | Uint8ArrayList): DecodedRequest {
  let r: MailboxRequest
  try {
    r = MailboxRequest.decode(frame, { limits: REQUEST_LIMITS })
  } catch {
    throw new MalformedRequestError('request does not decode')
  }
  const present = [r.register, r.deposit, r.fetch, r.ack, r.subscribe, r.settings, r.capabilities, r.uploadPrekeys,
    r.takePrekey, r.status, r.deliver].filter((x) => x !== undefined).length
  if (present !== 1) throw new MalformedRequestError('a request carries exactly one operation')
  if (r.register !== undefined) return { type: 'register' }
  if (r.deposit !== undefined) {
    const { envelope, capability } = r.deposit
    if (envelope.byteLength === 0) throw new MalformedRequestError('empty envelope')
    if (capability.byteLength !== 0 && capability.byteLength !== CAPABILITY_BYTES) {
      throw new MalformedRequestError(`a capability is ${CAPABILITY_BYTES} bytes`)
    }
    return capability.byteLength === 0 ? { type: 'deposit', envelope } : { type: 'deposit', envelope, capability }
  }
  if (r.fetch !== undefined) {
    const cursor = r.fetch.cursor
    if (cursor > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedRequestError('cursor out of range')
    if (r.fetch.limit > MAX_FETCH_LIMIT) throw new MalformedRequestError(`limit above ${MAX_FETCH_LIMIT}`)
    return { type: 'fetch', cursor: Number(cursor), limit: r.fetch.limit }
  }
  if (r.ack !== undefined) {
    allOfLength(r.ack.ids, ENVELOPE_ID_BYTES, 'an envelope id')
    return { type: 'ack', ids: r.ack.ids }
  }
  if (r.subscribe !== undefined) return { type: 'subscribe' }
  if (r.settings !== undefined) return { type: 'settings', firstContactOpen: r.settings.firstContactOpen }
  if (r.capabilities !== undefined) {
    allOfLength(r.capabilities.add, CAPABILITY_HASH_BYTES, 'a capability hash')
    allOfLength(r.capabilities.remove, CAPABILITY_HASH_BYTES, 'a capability hash')
    return { type: 'capabilities', add: r.capabilities.add, remove: r.capabilities.remove }
  }
  if (r.uploadPrekeys !== undefined) {
    for (const bundle of r.uploadPrekeys.bundles) {
      if (bundle.byteLength === 0 || bundle.byteLength > MAX_PREKEY_BYTES) throw new MalformedRequestError(`a prekey bundle is 1 to ${MAX_PREKEY_BYTES} bytes`)
    }
    return { type: 'uploadPrekeys', bundles: r.uploadPrekeys.bundles, replace: r.uploadPrekeys.replace }
  }
  if (r.takePrekey !== undefined) return { type: 'takePrekey', owner: peerIdStringFromBytes(r.takePrekey.owner) }
  if (r.status !== undefined) return { type: 'status' }
  if (r.deliver !== undefined) {
    for (const envelope of r.deliver.envelopes) {
      if (envelope.byteLength === 0 || envelope.byteLength > MAX_ENVELOPE_BYTES) throw new MalformedRequestError('bad envelope size')
    }
    return { type: 'deliver', envelopes: r.deliver.envelopes }
  }
  throw new MalformedRequestError('unknown request')
}

/** The fields of a deposited envelope the relay needs. */
export interface EnvelopeHead {
  /** 16 bytes. */
  id: Uint8Array
  /** The recipient's peer ID string, validated. */
  recipient: string
  prekey: boolean
  /** Envelope.expiresAt in ms, 0 when absent, capped at Number.MAX_SAFE_INTEGER. */
  expiresAt: number
}

/**
 * Decodes a deposited envelope's head (the envelope module's one strict parse, then the
 * recipient as a peer ID). `knownRecipient` short-cuts peer ID validation for recipients
 * already known to be valid (mailbox owners).
 */
export function decodeEnvelopeHead (bytes: Uint8Array, knownRecipient: (bytes: Uint8Array) => string | undefined): EnvelopeHead {
  let envelope: ParsedEnvelope
  try {
    envelope = parseEnvelope(bytes)
  } catch (err) {
    throw new MalformedRequestError((err as Error).message)
  }
  const recipient = knownRecipient(envelope.recipient) ?? peerIdStringFromBytes(envelope.recipient)
  const max = BigInt(Number.MAX_SAFE_INTEGER)
  const expiresAt = Number(envelope.expiresAt > max ? max : envelope.expiresAt)
  return { id: envelope.id, recipient, prekey: envelope.kind === Envelope.Kind.PREKEY, expiresAt }
}

/** A response carrying only a code (and an optional detail). */
export function codeResponse (code: MailboxResponse.Code | RelayRefusalCode | 'OK' | 'STORED', message = ''): Partial<MailboxResponse> {
  return { code: code as MailboxResponse.Code, message: truncateUtf8(message, MAX_ERROR_MESSAGE_BYTES) }
}

/** Decodes a response frame; RelayProtocolError when it does not. */
export function decodeResponse (frame: Uint8Array | Uint8ArrayList): MailboxResponse {
  try {
    return MailboxResponse.decode(frame, { limits: RESPONSE_LIMITS })
  } catch {
    throw new RelayProtocolError('Mailbox response does not decode')
  }
}

const REFUSALS: ReadonlySet<string> = new Set<RelayRefusalCode>([
  'NOT_FOUND', 'QUOTA', 'TOO_LARGE', 'RATE_LIMITED', 'NONE_LEFT', 'MALFORMED', 'EXPIRED', 'INTERNAL'
])

/** The refusal code of a response, or undefined for OK and STORED. */
export function refusalCode (response: MailboxResponse): RelayRefusalCode | undefined {
  const code = response.code as string
  if (code === 'OK' || code === 'STORED') return undefined
  return REFUSALS.has(code) ? code as RelayRefusalCode : 'INTERNAL'
}

/**
 * Fuzz targets for the decoders of bytes that arrive from other peers on the wire: dm frames,
 * envelopes, Content, and mailbox frames on the relay (server) and client sides.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto'
import { identityFromSeed, peerIdBytesFromIdentityKey } from '../../src/crypto/identity.js'
import { encodeCapability, encodeReceipt, encodeText, decodeContent } from '../../src/messenger/content.js'
import { MAX_DM_FRAME_BYTES, MAX_REFUSED_FRAMES_PER_STREAM } from '../../src/net/dm/constants.js'
import { checkDmFrame } from '../../src/net/dm/frames.js'
import { fromWire } from '../../src/relay/client.js'
import { decodeEnvelopeHead, decodeRequest, decodeResponse, refusalCode } from '../../src/relay/frames.js'
import { refusalError } from '../../src/relay/errors.js'
import { DmFrame } from '../../src/wire/dm.js'
import { Envelope } from '../../src/wire/envelope.js'
import { MailboxRequest, MailboxResponse } from '../../src/wire/mailbox.js'
import { decodeEnvelope } from '../../src/wire/strict/envelope.js'
import type { FuzzTarget } from '../engine.js'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { bytesInputs, encodeVarint } from '../protobuf.js'

const alice = peerIdBytesFromIdentityKey(identityFromSeed(new Uint8Array(32).fill(1)).publicKey) as Uint8Array<ArrayBuffer>
const bob = peerIdBytesFromIdentityKey(identityFromSeed(new Uint8Array(32).fill(2)).publicKey) as Uint8Array<ArrayBuffer>
const bytes = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array(cryptoRandomBytes(n))

/** One length-prefixed frame, as lpStream writes it: varint(length) || body. */
function lengthPrefixed (body: Uint8Array): Uint8Array {
  return Uint8Array.from([...encodeVarint(BigInt(body.byteLength)), ...body])
}

/** Valid envelopes alice -> bob of every kind, as seeds. */
export function envelopeSeeds (): Uint8Array[] {
  return [Envelope.Kind.PREKEY, Envelope.Kind.RATCHET].flatMap(kind => [64, 1200].map(size => Envelope.encode({
    id: bytes(16), sender: alice, recipient: bob, createdAt: BigInt(Date.now()), kind, payload: bytes(size), expiresAt: BigInt(Date.now() + 86_400_000)
  })))
}

export const dmFrameTarget: FuzzTarget<Uint8Array> = {
  name: 'dm-frame',
  description: 'a dm stream\'s bytes: length prefixes cut by @libp2p/utils\' decoder (the receiver reads with its lpStream), then checkDmFrame on each frame (src/net/dm/frames.ts)',
  async: false,
  setup: async () => {
    const envelopes = envelopeSeeds()
    const frames = [
      ...envelopes.map(e => DmFrame.encode({ envelope: e as Uint8Array<ArrayBuffer> })),
      DmFrame.encode({ ack: { id: bytes(16), status: DmFrame.Ack.Status.OK } }),
      DmFrame.encode({ error: { id: bytes(16), code: DmFrame.Error.Code.UNDECRYPTABLE, message: 'no session' } })
    ]
    // Seeds are whole streams: one or several length-prefixed frames.
    const seeds = [...frames.map(lengthPrefixed), Uint8Array.from([...lengthPrefixed(frames[0]), ...lengthPrefixed(frames[2])])]
    return {
      inputs: bytesInputs([...seeds, ...frames]),
      typedErrors: new Set(['InvalidMessageLengthError']),
      run: (input) => {
        // As a body: what the receiver makes of one frame.
        checkDmFrame(input, alice, bob)
        // As a stream: frames cut out of it, each checked, up to the receiver's refusal budget.
        const decoder = new LengthPrefixedDecoder({ maxDataLength: MAX_DM_FRAME_BYTES })
        let refused = 0
        for (const body of decoder.decode(input)) {
          if ('code' in checkDmFrame(body, alice, bob)) refused++
          if (refused >= MAX_REFUSED_FRAMES_PER_STREAM) break
        }
      }
    }
  }
}

export const envelopeTarget: FuzzTarget<Uint8Array> = {
  name: 'envelope',
  description: 'decodeEnvelope (src/wire/strict/envelope.ts), used by the dm receiver, the relay and mailbox delivery',
  async: false,
  setup: async () => ({
    inputs: bytesInputs(envelopeSeeds()),
    typedErrors: new Set(['MalformedEnvelopeError']),
    run: (input) => { decodeEnvelope(input) }
  })
}

export const contentTarget: FuzzTarget<Uint8Array> = {
  name: 'content',
  description: 'decodeContent, the plaintext inside every ratchet message (src/messenger/content.ts)',
  async: false,
  setup: async () => ({
    inputs: bytesInputs([
      encodeText({ messageId: bytes(16), body: 'hello, Zoë 👋', sentAt: Date.now(), seq: 7, resend: false, seqStart: 0 }),
      encodeText({ messageId: bytes(16), body: 'x'.repeat(2000), sentAt: Date.now(), seq: 1, resend: true, seqStart: 0 }),
      encodeText({ messageId: bytes(16), body: 'after a restore', sentAt: Date.now(), seq: 1_800_000_000_002, resend: false, seqStart: 1_800_000_000_000 }),
      encodeReceipt('delivered', [bytes(16), bytes(16)]),
      encodeReceipt('read', [bytes(16)]),
      encodeCapability(bytes(32))
    ]),
    typedErrors: new Set(['InvalidContentError']),
    run: (input) => { decodeContent(input) }
  })
}

function requestSeeds (): Uint8Array[] {
  const [envelope] = envelopeSeeds()
  return [
    { register: {} },
    { deposit: { envelope: envelope as Uint8Array<ArrayBuffer>, capability: bytes(32) } },
    { deposit: { envelope: envelope as Uint8Array<ArrayBuffer>, capability: new Uint8Array(0) } },
    { fetch: { cursor: 12n, limit: 50 } },
    { ack: { ids: [bytes(16), bytes(16)] } },
    { subscribe: {} },
    { settings: { firstContactOpen: true } },
    { capabilities: { add: [bytes(32)], remove: [bytes(32)] } },
    { uploadPrekeys: { bundles: [bytes(300), bytes(300)], replace: false } },
    { uploadPrekeys: { bundles: [bytes(300)], replace: true } },
    { takePrekey: { owner: bob } },
    { status: {} },
    { deliver: { envelopes: [envelope as Uint8Array<ArrayBuffer>] } }
  ].map(r => MailboxRequest.encode(r))
}

export const mailboxRequestTarget: FuzzTarget<Uint8Array> = {
  name: 'mailbox-request',
  description: 'a relay reading a request: decodeRequest, then decodeEnvelopeHead of a deposit (src/relay/frames.ts)',
  async: false,
  setup: async () => ({
    inputs: bytesInputs(requestSeeds()),
    typedErrors: new Set(['MalformedRequestError']),
    run: (input) => {
      const request = decodeRequest(input)
      if (request.type === 'deposit') decodeEnvelopeHead(request.envelope, () => undefined)
    }
  })
}

export const mailboxResponseTarget: FuzzTarget<Uint8Array> = {
  name: 'mailbox-response',
  description: 'a relay client reading an answer: decodeResponse, refusalCode and the refusal error, or the page of envelopes (src/relay/client.ts)',
  async: false,
  setup: async () => {
    const envelopes = envelopeSeeds()
    const seeds = [
      { code: MailboxResponse.Code.OK },
      { code: MailboxResponse.Code.STORED, duplicate: true },
      { code: MailboxResponse.Code.QUOTA, message: 'full' },
      { code: MailboxResponse.Code.OK, envelopes: envelopes.map((e, i) => ({ id: bytes(16), envelope: e as Uint8Array<ArrayBuffer>, seq: BigInt(i + 1) })), cursor: 4n, more: true },
      { code: MailboxResponse.Code.OK, prekey: bytes(400) },
      { code: MailboxResponse.Code.OK, status: { count: 3, bytes: 4000n, maxCount: 10_000, maxBytes: 64n << 20n, firstContactCount: 1, firstContactBytes: 100n, prekeysRemaining: 90, firstContactOpen: true, capabilities: 2 } }
    ].map(r => MailboxResponse.encode(r))
    return {
      inputs: bytesInputs(seeds),
      typedErrors: new Set(['RelayProtocolError']),
      run: (input) => {
        const response = decodeResponse(input)
        const code = refusalCode(response)
        if (code !== undefined) {
          const err = refusalError(code, response.message)
          if (!(err instanceof Error) || err.name === 'Error') throw new TypeError(`refusal ${code} has no typed error`)
          return
        }
        fromWire(response)
      }
    }
  }
}

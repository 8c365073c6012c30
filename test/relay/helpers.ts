// Shared helpers of the relay tests: real libp2p nodes on 127.0.0.1 with the mailbox service,
// real stores, envelopes built with the wire codec.
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { createNode, type MurmurNode } from '../../src/net/node.js'
import { capabilityHash, mailbox, type MailboxInit, type MailboxService } from '../../src/relay/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { Envelope } from '../../src/wire/envelope.js'

export const TEST_LIMITS = { connections: { inboundConnectionThreshold: 1000 } }

export type RelayNode = MurmurNode<{ mailbox: MailboxService }>

export async function startNode (init: MailboxInit = {}, privateKey?: PrivateKey): Promise<RelayNode> {
  return createNode<{ mailbox: MailboxService }>({
    privateKey: privateKey ?? await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    limits: TEST_LIMITS,
    services: { mailbox: mailbox(init) }
  })
}

/** A relay (memory-level store, generous deposit rate) whose mailbox owner and other clients are connected. */
export interface MailboxSetup {
  store: Store
  relay: RelayNode
  /** Trusted by the relay, registered, and its deposit door opened for `capability`. */
  owner: RelayNode
  capability: Uint8Array<ArrayBuffer>
  /** One connected client for each init given to startMailboxSetup. */
  clients: RelayNode[]
  stop: () => Promise<void>
}

export async function startMailboxSetup (clientInits: MailboxInit[]): Promise<MailboxSetup> {
  const store = await openStore({ memory: true })
  const relay = await startNode({ store, sweepIntervalMs: 0, rates: { deposit: { burst: 10_000, perSecond: 10_000 } } })
  const owner = await startNode()
  const clients = await Promise.all(clientInits.map(async (init) => await startNode(init)))
  const capability = new Uint8Array(randomBytes(32))
  await relay.services.mailbox.trust.add(owner.peerId)
  await Promise.all([owner, ...clients].map(async (n) => n.dial(relay.getMultiaddrs())))
  await owner.services.mailbox.register(relay.peerId)
  await owner.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
  const stop = async (): Promise<void> => {
    await Promise.all([relay, owner, ...clients].map(async (n) => n.stop()))
    await store.close()
  }
  return { store, relay, owner, capability, clients, stop }
}

export interface EnvelopeOptions {
  kind?: Envelope.Kind
  payloadBytes?: number
  expiresAt?: number
  id?: Uint8Array
  sender?: PeerId
}

/** Encoded envelope bytes for `recipient`, with a fresh random id unless one is given. */
export function makeEnvelope (recipient: PeerId, options: EnvelopeOptions = {}): { id: Uint8Array, bytes: Uint8Array } {
  const id = options.id ?? new Uint8Array(randomBytes(16))
  const bytes = Envelope.encode({
    id: id as Uint8Array<ArrayBuffer>,
    sender: (options.sender?.toMultihash().bytes ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
    recipient: recipient.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    createdAt: BigInt(Date.now()),
    kind: options.kind ?? Envelope.Kind.RATCHET,
    payload: new Uint8Array(randomBytes(options.payloadBytes ?? 100)) as Uint8Array<ArrayBuffer>,
    expiresAt: BigInt(options.expiresAt ?? 0)
  })
  return { id, bytes }
}

export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}


/**
 * THE method table of the local API (DESIGN.md "Local API and CLI"): one entry per method,
 * named after the CLI command, with its param schema and its handler over the Murmur library
 * API. The server validates and dispatches with it; the client and the CLI take their types
 * from it; docs/api.md documents it.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Murmur } from '../messenger/api-types.js'
import type { MessageState } from '../messenger/types.js'
import { InvalidParamsError } from './errors.js'
import type { ParamSchema, ParamsOf } from './params.js'

export interface MethodContext {
  /** Aborted when the HTTP client goes away or the server closes. */
  signal: AbortSignal
}

export interface MethodDefinition<S extends ParamSchema, R> {
  description: string
  params: S
  handler: (murmur: Murmur, params: ParamsOf<S>, context: MethodContext) => Promise<R>
}

/** Refuses (as invalid params, before anything runs) an item that is not a multiaddr. */
function checkMultiaddrs (name: string, addresses: string[]): string[] {
  addresses.forEach((address, i) => {
    try {
      multiaddr(address)
    } catch {
      throw new InvalidParamsError(`param "${name}" item ${i} is not a multiaddr (e.g. /ip4/192.0.2.1/tcp/4455)`)
    }
  })
  return addresses
}

function defineMethod<const S extends ParamSchema, R> (definition: MethodDefinition<S, R>): MethodDefinition<S, R> {
  return definition
}

/** `send --wait` stops waiting at the first of these states. */
export const FINAL_SEND_STATES: MessageState[] = ['delivered', 'read', 'failed', 'expired']
/** Default and largest `send --wait` timeout, in seconds. */
export const DEFAULT_SEND_WAIT_SECONDS = 30
export const MAX_SEND_WAIT_SECONDS = 600
/** `relays.add`: at most this many multiaddrs for one relay. */
export const MAX_RELAY_ADDRESSES = 16

export const METHODS = {
  id: defineMethod({
    description: 'this node: peer ID, fingerprint, name, listen addresses',
    params: {},
    handler: async (murmur) => await murmur.id()
  }),
  status: defineMethod({
    description: 'connections, DHT routing table size, outbox, listen addresses, one-time prekeys, our mailboxes at relays, what we relay for others',
    params: {},
    handler: async (murmur) => await murmur.status()
  }),
  'contacts.add': defineMethod({
    description: 'add a contact by peer ID under a local name',
    params: {
      name: { type: 'string', required: true, description: 'the local name' },
      peerId: { type: 'string', required: true, description: 'the contact\'s peer ID (12D3KooW...)' }
    },
    handler: async (murmur, p) => await murmur.contacts.add(p.name, p.peerId)
  }),
  'contacts.list': defineMethod({
    description: 'all contacts',
    params: {},
    handler: async (murmur) => await murmur.contacts.list()
  }),
  'contacts.rename': defineMethod({
    description: 'rename a contact',
    params: {
      contact: { type: 'string', required: true, description: 'name or peer ID of the contact' },
      newName: { type: 'string', required: true, description: 'the new local name' }
    },
    handler: async (murmur, p) => await murmur.contacts.rename(p.contact, p.newName)
  }),
  'contacts.remove': defineMethod({
    description: 'remove a contact (the conversation history is kept)',
    params: {
      contact: { type: 'string', required: true, description: 'name or peer ID of the contact' }
    },
    handler: async (murmur, p) => await murmur.contacts.remove(p.contact)
  }),
  'contacts.verify': defineMethod({
    description: 'the safety number shared with a contact; with confirm: true, mark the contact verified',
    params: {
      contact: { type: 'string', required: true, description: 'name or peer ID of the contact' },
      confirm: { type: 'boolean', description: 'mark the contact verified (after comparing the safety number)' }
    },
    handler: async (murmur, p) => p.confirm === true
      ? await murmur.contacts.setVerified(p.contact, true)
      : await murmur.contacts.safetyNumber(p.contact)
  }),
  'trust.add': defineMethod({
    description: 'relay for this peer: it may keep a mailbox here and hand us envelopes to forward',
    params: {
      peerId: { type: 'string', required: true, description: 'the peer ID to relay for (12D3KooW...)' }
    },
    handler: async (murmur, p) => await murmur.trust.add(p.peerId)
  }),
  'trust.list': defineMethod({
    description: 'the peers this node relays for',
    params: {},
    handler: async (murmur) => await murmur.trust.list()
  }),
  'trust.remove': defineMethod({
    description: 'stop relaying for this peer (what is held for it can still be fetched)',
    params: {
      peerId: { type: 'string', required: true, description: 'the peer ID to stop relaying for' }
    },
    handler: async (murmur, p) => await murmur.trust.remove(p.peerId)
  }),
  'relays.add': defineMethod({
    description: 'keep a mailbox at this relay (it must trust us): register there and list it in our contact record',
    params: {
      peerId: { type: 'string', required: true, description: 'the relay\'s peer ID (12D3KooW...)' },
      addr: { type: 'string[]', maxItems: MAX_RELAY_ADDRESSES, description: `multiaddrs of the relay, at most ${MAX_RELAY_ADDRESSES} (default: find it by peer ID)` }
    },
    handler: async (murmur, p) => await murmur.relays.add(p.peerId, p.addr !== undefined ? { addresses: checkMultiaddrs('addr', p.addr) } : {})
  }),
  'relays.list': defineMethod({
    description: 'our mailboxes at relays, with their state',
    params: {},
    handler: async (murmur) => await murmur.relays.list()
  }),
  'relays.remove': defineMethod({
    description: 'stop using this relay (it is dropped from our contact record)',
    params: {
      peerId: { type: 'string', required: true, description: 'the relay\'s peer ID' }
    },
    handler: async (murmur, p) => await murmur.relays.remove(p.peerId)
  }),
  'relays.firstContact': defineMethod({
    description: 'open or close the first-contact door of our mailboxes (first messages from strangers)',
    params: {
      open: { type: 'boolean', required: true, description: 'true: strangers may leave a first message; false: only contacts' }
    },
    handler: async (murmur, p) => await murmur.relays.setFirstContact(p.open)
  }),
  send: defineMethod({
    description: 'encrypt and send a text message; with wait: true, wait until delivered (or failed, expired, or the timeout)',
    params: {
      to: { type: 'string', required: true, description: 'name or peer ID of the recipient' },
      text: { type: 'string', required: true, description: 'the message text (UTF-8, 1 byte to 64 KiB)' },
      wait: { type: 'boolean', description: 'wait for delivery before answering' },
      timeout: { type: 'number', min: 0, max: MAX_SEND_WAIT_SECONDS, description: `seconds to wait with wait: true (default ${DEFAULT_SEND_WAIT_SECONDS})` }
    },
    handler: async (murmur, p, { signal }) => {
      const message = await murmur.send(p.to, p.text, { signal })
      if (p.wait !== true || FINAL_SEND_STATES.includes(message.state)) return message
      const timeoutMs = (p.timeout ?? DEFAULT_SEND_WAIT_SECONDS) * 1000
      return await murmur.waitForState(p.to, message.id, FINAL_SEND_STATES, { timeoutMs, signal })
    }
  }),
  resend: defineMethod({
    description: 'send a failed or expired message again (same message id)',
    params: {
      to: { type: 'string', required: true, description: 'name or peer ID of the conversation' },
      messageId: { type: 'string', required: true, description: 'the message id (hex)' }
    },
    handler: async (murmur, p) => await murmur.resend(p.to, p.messageId)
  }),
  inbox: defineMethod({
    description: 'conversations, newest first, with unread counts',
    params: {},
    handler: async (murmur) => await murmur.inbox()
  }),
  history: defineMethod({
    description: 'messages of one conversation, oldest first',
    params: {
      to: { type: 'string', required: true, description: 'name or peer ID of the conversation' },
      limit: { type: 'integer', min: 1, max: 1000, description: 'at most this many messages, the newest (default 50)' },
      before: { type: 'integer', min: 0, description: 'only messages with seq below this (paging back)' }
    },
    handler: async (murmur, p) => await murmur.history(p.to, {
      ...(p.limit !== undefined ? { limit: p.limit } : {}),
      ...(p.before !== undefined ? { before: p.before } : {})
    })
  }),
  read: defineMethod({
    description: 'mark a conversation read (sends read receipts)',
    params: {
      to: { type: 'string', required: true, description: 'name or peer ID of the conversation' }
    },
    handler: async (murmur, p) => await murmur.markRead(p.to)
  }),
  'backup.create': defineMethod({
    description: 'an encrypted backup of this home (identity, contacts, relays and trust lists, history): the file, base64, and what it holds',
    params: {
      passphrase: { type: 'string', required: true, description: 'the backup\'s passphrase (never logged; the file has its own salt)' },
      history: { type: 'boolean', description: 'include the history (default true)' }
    },
    handler: async (murmur, p) => {
      const { file, summary } = await murmur.backup({ passphrase: p.passphrase, history: p.history !== false })
      return { ...summary, backup: Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('base64') }
    }
  })
}

export type Methods = typeof METHODS
export type MethodName = keyof Methods
export type MethodParams<M extends MethodName> = ParamsOf<Methods[M]['params']>
export type MethodResult<M extends MethodName> = Awaited<ReturnType<Methods[M]['handler']>>

export function isMethodName (name: string): name is MethodName {
  return Object.hasOwn(METHODS, name)
}

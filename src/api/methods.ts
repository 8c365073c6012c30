/**
 * THE method table of the local API (DESIGN.md "Local API and CLI"): one entry per method,
 * named after the CLI command, with its param schema and its handler over the Murmur library
 * API. The server validates and dispatches with it; the client and the CLI take their types
 * from it; docs/api.md documents it.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Murmur } from '../messenger/api-types.js'
import type { MessageView } from '../messenger/types.js'
import { InvalidParamsError, WebAppUnavailableError } from './errors.js'
import { DEFAULT_SEND_WAIT_SECONDS, FINAL_SEND_STATES, MAX_HISTORY_LIMIT, MAX_RELAY_ADDRESSES, MAX_SEND_WAIT_SECONDS, MESSAGE_ID_PATTERN } from './limits.js'
import { integer, params, shortString, z, type ParamSchema, type ParamsOf } from './params.js'

export { DEFAULT_SEND_WAIT_SECONDS, FINAL_SEND_STATES, MAX_RELAY_ADDRESSES, MAX_SEND_WAIT_SECONDS }

export interface MethodContext {
  /** Aborted when the HTTP client goes away or the server closes. */
  signal: AbortSignal
  /** The web app's sign-in, where the server serves it. */
  web?: { signIn: () => { url: string, expiresAt: number } }
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

/**
 * `send` by `clientId`: the text a client's id already named, so that the same send asked again
 * (its answer was lost: a timeout, a dropped connection, a node restarted meanwhile) answers with
 * that text rather than sending it a second time. The id is stored with the text, in its batch
 * (Murmur.send's `clientId`), for CLIENT_ID_TTL_MS; sends still being stored are found here, in
 * memory, so that two asked at once store one text.
 */
const sendsInFlight = new WeakMap<Murmur, Map<string, { to: string, text: string, sending: Promise<MessageView> }>>()

/** The same text to the same contact: `to` is a name or a peer ID. */
function sameSend (view: MessageView, to: string, text: string): boolean {
  return view.text === text && (to === view.peerId || to === view.contact)
}

const CLIENT_ID_TAKEN = 'param "clientId" already named another message: pick a new one for each message'

async function sendOnce (murmur: Murmur, clientId: string, to: string, text: string): Promise<MessageView> {
  let inFlight = sendsInFlight.get(murmur)
  if (inFlight === undefined) sendsInFlight.set(murmur, inFlight = new Map())
  const pending = inFlight.get(clientId)
  if (pending !== undefined) {
    if (pending.to !== to || pending.text !== text) throw new InvalidParamsError(CLIENT_ID_TAKEN)
    try {
      return await pending.sending
    } catch {
      // The first send stored nothing (it threw): this one may try again.
    }
  }
  // Registered before the store is asked, so that a second ask meanwhile waits for this one.
  const sending = (async () => {
    const stored = await murmur.sentWithClientId(clientId)
    if (stored !== undefined) {
      if (!sameSend(stored, to, text)) throw new InvalidParamsError(CLIENT_ID_TAKEN)
      return stored
    }
    // Once called, the message is stored whole or not at all, whatever becomes of the request
    // that asked (no signal): a retry finds it in the store.
    return await murmur.send(to, text, { returnWhen: 'queued', clientId })
  })()
  const entry = { to, text, sending }
  inFlight.set(clientId, entry)
  const settled = (): void => { if (inFlight.get(clientId) === entry) inFlight.delete(clientId) }
  sending.then(settled, settled)
  return await sending
}

const none = params({})
/** A passphrase is at most 1,024 bytes of UTF-8 (cli/passphrase.ts); 1,024 characters bounds it here. */
const MAX_PASSPHRASE_CHARS = 1024
const contact = shortString('name or peer ID of the contact')
const conversation = shortString('name or peer ID of the conversation')
const messageId = z.string().regex(MESSAGE_ID_PATTERN, 'must be a message id: 32 hex digits').describe('the message id (32 hex digits)')

export const METHODS = {
  id: defineMethod({
    description: 'this node: peer ID, fingerprint, name, listen addresses',
    params: none,
    handler: async (murmur) => await murmur.id()
  }),
  status: defineMethod({
    description: 'connections, DHT routing table size, outbox, listen addresses, one-time prekeys, our mailboxes at relays, what we relay for others',
    params: none,
    handler: async (murmur) => await murmur.status()
  }),
  lookup: defineMethod({
    description: 'where a peer can be reached: its signed contact record from the DHTs (addresses, mailboxes, sequence); read-only, no dial',
    params: params({
      peer: shortString('name or peer ID of the peer to look up')
    }),
    handler: async (murmur, p, { signal }) => await murmur.lookup(p.peer, { signal })
  }),
  'contacts.add': defineMethod({
    description: 'add a contact by peer ID under a local name',
    params: params({
      name: shortString('the local name'),
      peerId: shortString('the contact\'s peer ID (12D3KooW...)')
    }),
    handler: async (murmur, p) => await murmur.contacts.add(p.name, p.peerId)
  }),
  'contacts.list': defineMethod({
    description: 'all contacts',
    params: none,
    handler: async (murmur) => await murmur.contacts.list()
  }),
  'contacts.rename': defineMethod({
    description: 'rename a contact',
    params: params({
      contact,
      newName: shortString('the new local name')
    }),
    handler: async (murmur, p) => await murmur.contacts.rename(p.contact, p.newName)
  }),
  'contacts.remove': defineMethod({
    description: 'remove a contact (the conversation history is kept)',
    params: params({
      contact
    }),
    handler: async (murmur, p) => await murmur.contacts.remove(p.contact)
  }),
  'contacts.verify': defineMethod({
    description: 'the safety number shared with a contact; with confirm: true, mark the contact verified',
    params: params({
      contact,
      confirm: z.boolean().describe('mark the contact verified (after comparing the safety number)').optional()
    }),
    handler: async (murmur, p) => p.confirm === true
      ? await murmur.contacts.setVerified(p.contact, true)
      : await murmur.contacts.safetyNumber(p.contact)
  }),
  block: defineMethod({
    description: 'block a peer: what it sends is dropped unread, what was queued for it fails, nothing more goes to it, and our relays forget its capability',
    params: params({
      peer: shortString('name or peer ID of the peer to block')
    }),
    handler: async (murmur, p) => await murmur.blocks.add(p.peer)
  }),
  unblock: defineMethod({
    description: 'unblock a peer: its messages are taken again, and ours go to it',
    params: params({
      peer: shortString('name or peer ID of the peer to unblock')
    }),
    handler: async (murmur, p) => await murmur.blocks.remove(p.peer)
  }),
  blocked: defineMethod({
    description: 'the peers blocked here, earliest first',
    params: none,
    handler: async (murmur) => await murmur.blocks.list()
  }),
  'trust.add': defineMethod({
    description: 'relay for this peer: it may keep a mailbox here and hand us envelopes to forward',
    params: params({
      peerId: shortString('the peer ID to relay for (12D3KooW...)')
    }),
    handler: async (murmur, p) => await murmur.trust.add(p.peerId)
  }),
  'trust.list': defineMethod({
    description: 'the peers this node relays for',
    params: none,
    handler: async (murmur) => await murmur.trust.list()
  }),
  'trust.remove': defineMethod({
    description: 'stop relaying for this peer (what is held for it can still be fetched)',
    params: params({
      peerId: shortString('the peer ID to stop relaying for')
    }),
    handler: async (murmur, p) => await murmur.trust.remove(p.peerId)
  }),
  'relays.add': defineMethod({
    description: 'keep a mailbox at this relay (it must trust us): register there and list it in our contact record',
    params: params({
      peerId: shortString('the relay\'s peer ID (12D3KooW...)'),
      addr: z.array(shortString('a multiaddr')).max(MAX_RELAY_ADDRESSES).describe(`multiaddrs of the relay, at most ${MAX_RELAY_ADDRESSES} (default: find it by peer ID)`).optional()
    }),
    handler: async (murmur, p) => await murmur.relays.add(p.peerId, p.addr !== undefined ? { addresses: checkMultiaddrs('addr', p.addr) } : {})
  }),
  'relays.list': defineMethod({
    description: 'our mailboxes at relays, with their state',
    params: none,
    handler: async (murmur) => await murmur.relays.list()
  }),
  'relays.remove': defineMethod({
    description: 'stop using this relay (it is dropped from our contact record)',
    params: params({
      peerId: shortString('the relay\'s peer ID')
    }),
    handler: async (murmur, p) => await murmur.relays.remove(p.peerId)
  }),
  'relays.firstContact': defineMethod({
    description: 'open or close the first-contact door of our mailboxes (first messages from strangers); without open, say whether it is open',
    params: params({
      open: z.boolean().describe('true: strangers may leave a first message; false: only contacts; absent: change nothing').optional()
    }),
    handler: async (murmur, p) => p.open !== undefined
      ? await murmur.relays.setFirstContact(p.open)
      : await murmur.relays.firstContact()
  }),
  send: defineMethod({
    description: 'encrypt and send a text message: answers as soon as it is durable in the outbox (state queued), delivery started; with wait: true, waits until delivered (or failed, expired, or the timeout)',
    params: params({
      to: shortString('name or peer ID of the recipient'),
      // Its length (UTF-8 bytes) is checked by the library first, with its own error
      // (InvalidMessageTextError); the request body cap bounds it here.
      text: z.string().describe('the message text (UTF-8, 1 byte to 64 KiB)'),
      wait: z.boolean().describe('wait for delivery before answering').optional(),
      timeout: z.number().min(0).max(MAX_SEND_WAIT_SECONDS).describe(`seconds to wait with wait: true (default ${DEFAULT_SEND_WAIT_SECONDS})`).optional(),
      clientId: z.string().min(8).max(64).describe('an id the client picks for this message: the same send asked again with it (after a lost answer) answers with the message already sent, for 10 minutes, also after the node restarted').optional()
    }),
    handler: async (murmur, p, { signal }) => {
      const message = p.clientId !== undefined
        ? await sendOnce(murmur, p.clientId, p.to, p.text)
        : await murmur.send(p.to, p.text, { signal, returnWhen: p.wait === true ? 'attempted' : 'queued' })
      if (p.wait !== true || FINAL_SEND_STATES.includes(message.state)) return message
      const timeoutMs = (p.timeout ?? DEFAULT_SEND_WAIT_SECONDS) * 1000
      return await murmur.waitForState(p.to, message.id, FINAL_SEND_STATES, { timeoutMs, signal })
    }
  }),
  resend: defineMethod({
    description: 'send a failed or expired message again (same message id)',
    params: params({
      to: conversation,
      messageId
    }),
    handler: async (murmur, p) => await murmur.resend(p.to, p.messageId)
  }),
  cancel: defineMethod({
    description: 'cancel a queued message (not yet taken by a relay or the recipient): it is marked failed ("cancelled") and can be sent again with resend',
    params: params({
      to: conversation,
      messageId
    }),
    handler: async (murmur, p) => await murmur.cancel(p.to, p.messageId)
  }),
  inbox: defineMethod({
    description: 'conversations, newest first, with unread counts',
    params: none,
    handler: async (murmur) => await murmur.inbox()
  }),
  history: defineMethod({
    description: 'messages of one conversation, oldest first',
    params: params({
      to: conversation,
      limit: integer(1, MAX_HISTORY_LIMIT, 'at most this many messages, the newest (default 50)').optional(),
      before: integer(0, Number.MAX_SAFE_INTEGER, 'only messages with seq below this (paging back)').optional()
    }),
    handler: async (murmur, p) => await murmur.history(p.to, {
      ...(p.limit !== undefined ? { limit: p.limit } : {}),
      ...(p.before !== undefined ? { before: p.before } : {})
    })
  }),
  'web.open': defineMethod({
    description: 'a one-time sign-in URL of the web app (the code in its fragment is good once, for 10 minutes)',
    params: none,
    handler: async (_murmur, _p, context) => {
      if (context.web === undefined) throw new WebAppUnavailableError()
      return context.web.signIn()
    }
  }),
  read: defineMethod({
    description: 'mark a conversation read (sends read receipts)',
    params: params({
      to: conversation
    }),
    handler: async (murmur, p) => await murmur.markRead(p.to)
  }),
  'backup.create': defineMethod({
    description: 'an encrypted backup of this home (identity, contacts, relays and trust lists, history): the file, base64, and what it holds',
    params: params({
      passphrase: z.string().min(1).max(MAX_PASSPHRASE_CHARS).describe('the backup\'s passphrase (never logged; the file has its own salt)'),
      history: z.boolean().describe('include the history (default true)').optional()
    }),
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

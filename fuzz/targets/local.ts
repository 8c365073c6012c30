/**
 * Fuzz targets for what reaches a node from its own machine: the local API's JSON-RPC bodies
 * and params, the event stream as the client reads it, config.json, and records read back
 * from a store written by an older (or damaged) version.
 */
import fc from 'fast-check'
import { RpcErrorCode } from '../../src/errors/index.js'
import { MESSAGE_ID_PATTERN } from '../../src/api/limits.js'
import { METHODS } from '../../src/api/methods.js'
import { handleRpcBody, type JsonRpcResponse } from '../../src/api/rpc.js'
import { parseEventStream } from '../../src/api/sse-parse.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { deserializeSessionRecord, serializeSessionRecord } from '../../src/crypto/session/index.js'
import type { Murmur } from '../../src/messenger/api-types.js'
import { parseConfig } from '../../src/messenger/config.js'
import { messageView } from '../../src/messenger/views.js'
import { openStore, type Store } from '../../src/store/index.js'
import type { FuzzTarget } from '../engine.js'
import { bytesInputs, mutationsOf } from '../protobuf.js'
import { makeOwner, NOW, seed } from '../../test/crypto/pqxdh/fixtures.js'
import { initiateSession } from '../../src/crypto/session/index.js'

const utf8 = new TextEncoder()
const fromUtf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')

/** JSON values a hostile client sends: edges of numbers and lengths, wrong types, nesting. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MAX_SAFE_INTEGER, '', 'bob',
      '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA', 'ab'.repeat(16), 'x'.repeat(70_000), '\u0000', 'Zoë', '/ip4/127.0.0.1/tcp/1'),
    fc.string({ maxLength: 40 }),
    fc.double(),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 })
  )
})).value

const methodNames = Object.keys(METHODS)

/** JSON-RPC requests with real method names and params: every known param name, hostile values. */
const rpcRequest: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom(...methodNames, 'nope', '__proto__', 'constructor'),
  fc.oneof(fc.constant(1), fc.constant(null), fc.string({ maxLength: 4 }), fc.constant(undefined), fc.constant({})),
  fc.dictionary(fc.constantFrom('to', 'text', 'name', 'peerId', 'contact', 'newName', 'confirm', 'addr', 'open', 'wait', 'timeout', 'messageId', 'limit', 'before', 'extra', '__proto__'), hostileJson, { maxKeys: 4 }),
  fc.constantFrom('2.0', '1.0', undefined)
).map(([method, id, params, jsonrpc]) => JSON.stringify({ jsonrpc, ...(id !== undefined ? { id } : {}), method, params }))

const validBodies = [
  '{"jsonrpc":"2.0","id":1,"method":"history","params":{"to":"bob","limit":20,"before":100}}',
  '{"jsonrpc":"2.0","id":2,"method":"send","params":{"to":"bob","text":"hello","wait":true,"timeout":20}}',
  '{"jsonrpc":"2.0","id":3,"method":"resend","params":{"to":"bob","messageId":"00112233445566778899aabbccddeeff"}}',
  '{"jsonrpc":"2.0","id":4,"method":"relays.add","params":{"peerId":"12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA","addr":["/ip4/127.0.0.1/tcp/4455"]}}'
].map(s => utf8.encode(s))

/**
 * A Murmur whose every method records its call and answers a delivered message view. The target checks the RPC
 * layer's promise: a method runs only with params inside their bounds, and nothing the client
 * sends becomes an internal error. (The methods themselves are the node's, tested elsewhere.)
 */
function recordingMurmur (calls: Array<{ path: string, args: unknown[] }>): Murmur {
  const proxy = (path: string): unknown => new Proxy(() => {}, {
    get: (_t, key) => key === 'then' ? undefined : proxy(path === '' ? String(key) : `${path}.${String(key)}`),
    apply: (_t, _this, args: unknown[]) => { calls.push({ path, args }); return Promise.resolve({ id: 'ab'.repeat(16), state: 'delivered' }) }
  })
  return proxy('') as Murmur
}

function checkCall (call: { path: string, args: unknown[] }): string | undefined {
  for (const arg of call.args) {
    if (typeof arg === 'string' && arg.length > 256 && call.path !== 'send') return `${call.path} ran with a ${arg.length}-character string`
    if (typeof arg === 'object' && arg !== null && 'before' in arg) {
      const before = (arg as { before: unknown }).before
      if (!Number.isSafeInteger(before)) return `${call.path} ran with before ${String(before)}`
    }
  }
  if (call.path === 'resend' && !MESSAGE_ID_PATTERN.test(String(call.args[1]))) return 'resend ran with a bad message id'
  return undefined
}

export const rpcTarget: FuzzTarget<string> = {
  name: 'rpc-body',
  description: 'a local API request body and its params: handleRpcBody (src/api/rpc.ts) with the zod schemas of src/api/methods.ts',
  async: true,
  setup: async () => {
    const calls: Array<{ path: string, args: unknown[] }> = []
    const murmur = recordingMurmur(calls)
    const signal = new AbortController().signal
    let last: JsonRpcResponse | undefined
    return {
      inputs: fc.oneof(rpcRequest, mutationsOf(validBodies).map(fromUtf8), fc.string({ maxLength: 200 })),
      typedErrors: new Set<string>(),
      run: async (body) => {
        calls.length = 0
        last = await handleRpcBody(murmur, body, { signal })
      },
      changed: () => {
        if (last !== undefined && 'error' in last && last.error.code === RpcErrorCode.INTERNAL_ERROR) return `internal error: ${last.error.message}`
        for (const call of calls) {
          const bad = checkCall(call)
          if (bad !== undefined) return bad
        }
        return undefined
      }
    }
  }
}

/** Event-stream text as a server (or anything at that address) might send it, in chunks. */
const sseText: fc.Arbitrary<string[]> = fc.tuple(
  fc.array(fc.oneof(
    fc.constant(': ready\n\n'),
    fc.constant(': ping\n\n'),
    fc.tuple(fc.constantFrom('message', 'message:state', 'connection', 'nope', ''), hostileJson).map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d) ?? 'null'}\n\n`),
    fc.string({ maxLength: 40 }).map(s => `data: ${s}\n\n`),
    fc.constantFrom('\r\n', '\r', '\n', 'data:', 'event:', 'id: 1\n', 'retry: 10\n', 'data: {"a":\ndata: 1}\n\n'),
    fc.string({ maxLength: 60 })
  ), { maxLength: 12 }),
  fc.array(fc.nat(), { maxLength: 6 })
).map(([parts, cuts]) => {
  const text = parts.join('')
  const points = [...new Set(cuts.map(c => c % (text.length + 1)))].sort((a, b) => a - b)
  const chunks: string[] = []
  let at = 0
  for (const p of points) { chunks.push(text.slice(at, p)); at = p }
  chunks.push(text.slice(at))
  return chunks
})

export const sseTarget: FuzzTarget<string[]> = {
  name: 'sse-client',
  description: 'the event stream as the CLI\'s client reads it: parseEventStream (src/api/sse-parse.ts, eventsource-parser)',
  async: true,
  setup: async () => ({
    inputs: sseText,
    typedErrors: new Set(['ApiProtocolError']),
    run: async (chunks) => {
      async function * source (): AsyncGenerator<string> { yield * chunks }
      for await (const event of parseEventStream(source())) {
        if (typeof event.event !== 'string') throw new TypeError('event without a name')
      }
    }
  })
}

export const configTarget: FuzzTarget<string> = {
  name: 'config',
  description: 'config.json as murmur reads it: parseConfig (src/messenger/config.ts)',
  async: false,
  setup: async () => {
    const valid = ['{"name":"alice","bootstrap":["/ip4/192.0.2.7/tcp/4455/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"],"listen":["/ip4/0.0.0.0/tcp/4455"]}', '{}']
    return {
      inputs: fc.oneof(
        fc.dictionary(fc.constantFrom('name', 'bootstrap', 'listen', 'api', 'other'), hostileJson, { maxKeys: 4 }).map(o => JSON.stringify(o)),
        mutationsOf(valid.map(s => utf8.encode(s))).map(fromUtf8),
        fc.string({ maxLength: 100 })
      ),
      typedErrors: new Set(['InvalidConfigError']),
      run: (text) => { parseConfig(text, 'config.json') }
    }
  }
}

/**
 * A JSON record's fields edited with hostile values (a field of an older version missing, or
 * of the wrong type, or unknown), mutations of its bytes, and random bytes.
 */
function jsonInputs (seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const records = seeds.map(bytes => JSON.parse(fromUtf8(bytes)) as Record<string, unknown>)
  const structured = fc.tuple(fc.nat(), fc.dictionary(fc.string({ maxLength: 10 }), hostileJson, { maxKeys: 3 }), fc.array(fc.nat(), { maxLength: 3 }))
    .map(([i, overrides, drops]) => {
      const record: Record<string, unknown> = { ...records[i % records.length] }
      const keys = Object.keys(record)
      for (const d of drops) delete record[keys[d % keys.length]]
      for (const [k, v] of Object.entries(overrides)) record[keys.includes(k) ? k : keys[k.length % keys.length]] = v
      return utf8.encode(JSON.stringify(record))
    })
  return fc.oneof(structured, mutationsOf(seeds), fc.uint8Array({ maxLength: 64 }))
}

interface StoredInput { sublevel: 'history' | 'contacts' | 'conversations' | 'sessions', bytes: Uint8Array }

/**
 * The stored-record target. `afterRead` runs after each read (a test passes one that writes,
 * to prove that the check below catches a decoder that writes).
 */
export function makeStoredRecordTarget (afterRead?: (store: Store) => Promise<void>): FuzzTarget<StoredInput> {
  return {
    name: 'stored-record',
    description: 'records read back from a store written by an older or damaged version: history, contacts, conversations (JSON codecs), sessions (deserializeSessionRecord), through the store\'s typed sublevels',
    async: true,
    setup: async () => {
      const store: Store = await openStore({ memory: true })
      const provider = defaultProvider()
      const bob = makeOwner(provider, seed(12))
      const alice = makeOwner(provider, seed(11))
      const session = serializeSessionRecord(initiateSession(provider, undefined, alice.identity, bob.bundle(), { now: NOW }))
      const peerId = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
      const seeds: Record<StoredInput['sublevel'], Uint8Array[]> = {
        history: [
          { peerId, seq: 1, id: 'ab'.repeat(16), direction: 'out', text: 'hello', sentAt: NOW, state: 'stored', relays: [{ relay: peerId, status: 'stored' }], outNumber: 1 },
          { peerId, seq: 2, id: 'cd'.repeat(16), direction: 'in', text: 'hi', sentAt: NOW, receivedAt: NOW, state: 'received' }
        ].map(r => utf8.encode(JSON.stringify(r))),
        contacts: [utf8.encode(JSON.stringify({ peerId, name: 'bob', verified: false, addedAt: NOW }))],
        conversations: [utf8.encode(JSON.stringify({ peerId, lastSeq: 2, readSeq: 1, unread: 1, lastMessageAt: NOW }))],
        sessions: [session]
      }
      const sublevels = Object.keys(seeds) as Array<StoredInput['sublevel']>
      // Reading a record must write nothing. Every put, del and batch of the store, through a
      // sublevel or not, reaches its root database, which emits 'write' for it (abstract-level):
      // counting them proves a read left the store unchanged, at no cost per input (a snapshot
      // of the store per input would cost more than the read).
      let writes = 0
      let writesByRead = 0
      store.level.on('write', (ops: unknown[]) => { writes += ops.length })
      const s = store.sublevels
      /** Writes the input where an older version would have, then reads it back. */
      const plantAndRead = async ({ sublevel, bytes }: StoredInput): Promise<void> => {
        if (sublevel === 'history') {
          await s.history.raw.put(s.history.keyCodec.encode({ peerId, seq: 1 }), bytes)
          writes = 0
          const record = await store.getHistory(peerId, 1)
          if (record !== undefined) messageView(record)
        } else if (sublevel === 'contacts') {
          await s.contacts.raw.put(s.contacts.keyCodec.encode(peerId), bytes)
          writes = 0
          await s.contacts.get(peerId)
        } else if (sublevel === 'conversations') {
          await s.conversations.raw.put(s.conversations.keyCodec.encode(peerId), bytes)
          writes = 0
          await s.conversations.get(peerId)
        } else {
          await s.sessions.raw.put(s.sessions.keyCodec.encode(peerId), bytes)
          writes = 0
          const stored = await s.sessions.get(peerId)
          if (stored !== undefined) deserializeSessionRecord(stored)
        }
      }
      return {
        inputs: fc.constantFrom(...sublevels).chain(sublevel => (sublevel === 'sessions' ? bytesInputs(seeds.sessions) : jsonInputs(seeds[sublevel])).map(bytes => ({ sublevel, bytes }))),
        typedErrors: new Set(['CorruptRecordError', 'InvalidStateError', 'InvalidKeyError', 'LegacySessionRecordError']),
        run: async (input) => {
          try {
            await plantAndRead(input)
          } finally {
            await afterRead?.(store)
            writesByRead = writes
          }
        },
        changed: () => writesByRead > 0 ? `reading the record wrote ${writesByRead} record(s) to the store` : undefined,
        teardown: async () => { await store.close() }
      }
    }
  }
}

export const storedRecordTarget = makeStoredRecordTarget()

import { stat } from 'node:fs/promises'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../src/api/client.js'
import { ApiRemoteError, ApiUnauthorizedError } from '../../src/api/errors.js'
import { MAX_BODY_BYTES } from '../../src/api/server.js'
import { homePath } from '../../src/messenger/home.js'
import { rpc, startTestNode, type TestNode } from './helpers.js'

/** Reads a raw SSE response until `predicate` matches the text so far (bounded in time). */
async function readSseUntil (res: Response, predicate: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const deadline = Date.now() + timeoutMs
  try {
    while (!predicate(text)) {
      if (Date.now() > deadline) throw new Error(`SSE timed out; got: ${text}`)
      const { value, done } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return text
}

describe('local API server (real murmur nodes on 127.0.0.1)', () => {
  let alice: TestNode
  let bob: TestNode

  beforeAll(async () => {
    alice = await startTestNode()
    bob = await startTestNode({ bootstrap: alice.daemon.id.addresses })
  })
  afterAll(async () => {
    await bob?.cleanup()
    await alice?.cleanup()
  })

  it('writes api.address (the served address) and a 0600 base64url api.token of 32 bytes', async () => {
    const address = (await import('node:fs/promises')).readFile(homePath(alice.home, 'apiAddress'), 'utf8')
    expect((await address).trim()).toBe(alice.daemon.api.address)
    expect(alice.daemon.api.address).toMatch(/^127\.0\.0\.1:\d+$/)
    expect((await stat(homePath(alice.home, 'apiToken'))).mode & 0o777).toBe(0o600)
    expect(Buffer.from(alice.token, 'base64url')).toHaveLength(32)
    expect(alice.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('refuses requests without a token or with a wrong one (401), and nothing changes', async () => {
    const noToken = await rpc(alice, 'contacts.add', { name: 'mallory', peerId: bob.daemon.id.peerId }, null)
    expect(noToken.status).toBe(401)
    const wrong = await rpc(alice, 'contacts.add', { name: 'mallory', peerId: bob.daemon.id.peerId }, alice.token.slice(0, -1) + (alice.token.endsWith('A') ? 'B' : 'A'))
    expect(wrong.status).toBe(401)
    const otherNodes = await rpc(alice, 'contacts.add', { name: 'mallory', peerId: bob.daemon.id.peerId }, bob.token)
    expect(otherNodes.status).toBe(401)
    const events = await fetch(`${alice.url}/events`, { signal: AbortSignal.timeout(5000) })
    expect(events.status).toBe(401)
    await events.body?.cancel()
    const list = await rpc(alice, 'contacts.list')
    expect(list.body.result).toEqual([])
  })

  it('answers JSON-RPC errors: -32700, -32600, -32601, -32602 naming the param; nothing changes', async () => {
    const parse = await fetch(`${alice.url}/rpc`, { method: 'POST', headers: { Authorization: `Bearer ${alice.token}` }, body: '{not json' })
    expect(((await parse.json()) as { error: { code: number } }).error.code).toBe(-32700)
    const batch = await fetch(`${alice.url}/rpc`, { method: 'POST', headers: { Authorization: `Bearer ${alice.token}` }, body: '[]' })
    expect(((await batch.json()) as { error: { code: number } }).error.code).toBe(-32600)

    const unknown = await rpc(alice, 'contacts.frobnicate', {})
    expect(unknown.status).toBe(200)
    expect(unknown.body.error.code).toBe(-32601)
    expect(unknown.body.id).toBe(1)

    const missing = await rpc(alice, 'contacts.add', { name: 'bob' })
    expect(missing.body.error.code).toBe(-32602)
    expect(missing.body.error.message).toMatch(/"peerId"/)
    const wrongType = await rpc(alice, 'contacts.add', { name: 42, peerId: bob.daemon.id.peerId })
    expect(wrongType.body.error.code).toBe(-32602)
    expect(wrongType.body.error.message).toMatch(/"name" must be a string/)
    const extra = await rpc(alice, 'contacts.add', { name: 'bob', peerId: bob.daemon.id.peerId, colour: 'red' })
    expect(extra.body.error.code).toBe(-32602)
    expect(extra.body.error.message).toMatch(/"colour"/)
    const range = await rpc(alice, 'history', { to: bob.daemon.id.peerId, limit: 0 })
    expect(range.body.error.message).toMatch(/"limit" must be at least 1/)
    const positional = await rpc(alice, 'contacts.add', ['bob', bob.daemon.id.peerId])
    expect(positional.body.error.code).toBe(-32602)

    expect((await rpc(alice, 'contacts.list')).body.result).toEqual([])
  })

  it('maps library errors to stable codes with data.name', async () => {
    const badPeer = await rpc(alice, 'contacts.add', { name: 'x', peerId: '12D3KooWnotapeerid' })
    expect(badPeer.body.error).toMatchObject({ code: -32602, data: { name: 'InvalidPeerIdError' } })
    const notFound = await rpc(alice, 'contacts.rename', { contact: 'nobody', newName: 'somebody' })
    expect(notFound.body.error).toMatchObject({ code: -32001, data: { name: 'ContactNotFoundError' } })
    const client = await ApiClient.connect(alice.home)
    const err = await client.call('contacts.remove', { contact: 'nobody' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiRemoteError)
    expect((err as ApiRemoteError).remoteName).toBe('ContactNotFoundError')
    expect((err as ApiRemoteError).code).toBe(-32001)
  })

  it('caps the body (413) but answers a 1 MiB message text with a clear invalid-params error', async () => {
    const big = await fetch(`${alice.url}/rpc`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' },
      body: 'x'.repeat(MAX_BODY_BYTES + 1)
    })
    expect(big.status).toBe(413)
    const text = await rpc(alice, 'send', { to: bob.daemon.id.peerId, text: 'a'.repeat(1024 * 1024) })
    expect(text.status).toBe(200)
    expect(text.body.error).toMatchObject({ code: -32602, data: { name: 'InvalidMessageTextError' } })
    expect(text.body.error.message).toMatch(/\d/) // states the limit
    expect((await rpc(alice, 'inbox')).body.result).toEqual([])
  })

  it('serves POST /rpc, GET /events and the web app\'s files, nothing else', async () => {
    const get = await fetch(`${alice.url}/rpc`, { headers: { Authorization: `Bearer ${alice.token}` } })
    expect(get.status).toBe(405)
    const other = await fetch(`${alice.url}/nothing-here`, { headers: { Authorization: `Bearer ${alice.token}` } })
    expect(other.status).toBe(404)
    const badFilter = await fetch(`${alice.url}/events?events=nope`, { headers: { Authorization: `Bearer ${alice.token}` } })
    expect(badFilter.status).toBe(400)
  })

  it('streams the node\'s reachability and warning events by name, as docs/api.md lists them', async () => {
    const raw = await fetch(`${alice.url}/events?events=reachability,warning`, { headers: { Authorization: `Bearer ${alice.token}` }, signal: AbortSignal.timeout(15_000) })
    expect(raw.status).toBe(200)
    // Emitted once the subscription is live (`: ready` is sent after it): what the node says of
    // a bootstrap peer that never answered (cli/commands/start.ts prints it).
    const text = await readSseUntil(raw, (t) => {
      if (t.includes(': ready') && !t.includes('event: warning')) alice.daemon.murmur.events.emit('warning', { message: 'a test warning' })
      return t.includes('event: warning\n')
    })
    expect(text).toContain('data: {"message":"a test warning"}')
  })

  it('sends through the API, waits for delivery, and streams the message to raw SSE and client subscribers', async () => {
    const client = await ApiClient.connect(alice.home)
    const bobClient = await ApiClient.connect(bob.home)
    await client.call('contacts.add', { name: 'bob', peerId: bob.daemon.id.peerId })
    expect((await client.call('contacts.list', {})).map(c => c.name)).toEqual(['bob'])

    const raw = await fetch(`${bob.url}/events?events=message`, { headers: { Authorization: `Bearer ${bob.token}` }, signal: AbortSignal.timeout(30_000) })
    expect(raw.status).toBe(200)
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const subscription = await bobClient.events({ names: ['message'] })
    const rawText = readSseUntil(raw, t => t.includes('event: message\n'))

    const sent = await client.call('send', { to: 'bob', text: 'hello over the API', wait: true, timeout: 20 }, { timeoutMs: 40_000 })
    expect(sent.state).toBe('delivered')
    expect(sent.text).toBe('hello over the API')

    const streamed = await rawText
    const dataLine = streamed.split('\n').find(l => l.startsWith('data: '))!
    expect(JSON.parse(dataLine.slice(6))).toMatchObject({ id: sent.id, text: 'hello over the API', direction: 'in', peerId: alice.daemon.id.peerId })

    for await (const event of subscription) {
      expect(event.event).toBe('message')
      expect(event.data).toMatchObject({ id: sent.id, text: 'hello over the API' })
      break
    }
    subscription.close()

    const history = await bobClient.call('history', { to: alice.daemon.id.peerId })
    expect(history.map(m => m.text)).toContain('hello over the API')
    const read = await bobClient.call('read', { to: alice.daemon.id.peerId })
    expect(read.marked).toBeGreaterThanOrEqual(1)
  })

  it('streams a contacts event for each change of the contact book, whoever made it (docs/api.md)', async () => {
    const client = await ApiClient.connect(alice.home)
    const subscription = await client.events({ names: ['contacts'] })
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    try {
      await client.call('contacts.add', { name: 'dora', peerId })
      await client.call('contacts.rename', { contact: 'dora', newName: 'dorothy' })
      // Not through the API: the library's own method, as the CLI's offline commands would.
      await alice.daemon.murmur.contacts.setVerified('dorothy', true)
      await client.call('contacts.remove', { contact: 'dorothy' })
      const seen: unknown[] = []
      for await (const event of subscription) {
        expect(event.event).toBe('contacts')
        seen.push(event.data)
        if (seen.length === 4) break
      }
      expect(seen).toMatchObject([
        { change: 'added', contact: { name: 'dora', peerId, verified: false } },
        { change: 'renamed', contact: { name: 'dorothy', peerId } },
        { change: 'verified', contact: { name: 'dorothy', peerId, verified: true } },
        { change: 'removed', contact: { name: 'dorothy', peerId } }
      ])
    } finally {
      subscription.close()
    }
  })

  it('a client event stream outlives its connect timeout (history --follow, chat, send --wait run for long)', async () => {
    const client = await ApiClient.connect(alice.home)
    const subscription = await client.events({ names: ['connection'], timeoutMs: 200 })
    try {
      const next = subscription[Symbol.asyncIterator]().next()
      const outcome = await Promise.race([
        next.then(() => 'ended'),
        new Promise<string>(resolve => setTimeout(() => { resolve('still open') }, 1_000))
      ])
      expect(outcome).toBe('still open')
    } finally {
      subscription.close()
    }
  })

  it('the client reports a refused token as ApiUnauthorizedError', async () => {
    const { writeApiFiles } = await import('../../src/api/api-files.js')
    const { dir, cleanup } = await (await import('./helpers.js')).tempDir()
    try {
      await writeApiFiles(dir, alice.daemon.api.address, 'not-the-token')
      const client = await ApiClient.connect(dir)
      await expect(client.call('status', {})).rejects.toBeInstanceOf(ApiUnauthorizedError)
    } finally {
      await cleanup()
    }
  })
})

/**
 * Regression tests for what a hostile (or careless) local API client found (issue 11): params
 * out of range reached methods and came back as internal errors, and more than 10 event
 * streams made Node warn of a listener leak. Real node, real HTTP.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEventStream } from '../../src/api/sse-parse.js'
import { rpc, startTestNode, type TestNode } from './helpers.js'

describe('a hostile local API client', () => {
  let node: TestNode
  const warnings: Error[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning) }

  beforeAll(async () => {
    node = await startTestNode()
    process.on('warning', onWarning)
  })
  afterAll(async () => {
    process.off('warning', onWarning)
    await node?.cleanup()
  })

  it('history with before at or above 2^53, or 1e308: -32602 naming the param, not an internal error', async () => {
    for (const before of [2 ** 53, 1e308, Number.MAX_SAFE_INTEGER + 2]) {
      const { body } = await rpc(node, 'history', { to: node.daemon.id.peerId, before })
      expect(body.error, String(before)).toMatchObject({ code: -32602, data: { name: 'InvalidParamsError' } })
      expect(body.error.message).toMatch(/"before" must be at most 9007199254740991/)
    }
    // The largest safe integer is a valid position (nothing before it is missing).
    const ok = await rpc(node, 'history', { to: node.daemon.id.peerId, before: Number.MAX_SAFE_INTEGER })
    expect(ok.body.error).toBeUndefined()
  })

  it('a request target that is no path ("//"): 400, and the node goes on serving', async () => {
    // fetch() normalises the path, so the request is written by hand.
    const { host, port } = new URL(node.url)
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), host.replace(/:\d+$/, ''))
      let text = ''
      socket.setTimeout(10_000, () => { socket.destroy(new Error('no answer')) })
      socket.on('data', (d: Buffer) => { text += d.toString() })
      socket.on('end', () => { resolve(text) })
      socket.on('error', reject)
      socket.end(`GET // HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(answer).toContain('the request target is not a path')
    expect((await rpc(node, 'inbox')).body.error).toBeUndefined()
  })

  it('resend with a 70,000-character message id: -32602, and nothing changes', async () => {
    const before = (await rpc(node, 'inbox')).body.result
    const { body } = await rpc(node, 'resend', { to: node.daemon.id.peerId, messageId: 'f'.repeat(70_000) })
    expect(body.error).toMatchObject({ code: -32602, data: { name: 'InvalidParamsError' } })
    expect(body.error.message).toMatch(/"messageId" must be a message id: 32 hex digits/)
    expect((await rpc(node, 'inbox')).body.result).toEqual(before)
  })

  it('20 event streams at once: every one is served, and Node warns of no listener leak', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, async () => {
      const res = await fetch(`${node.url}/events`, { headers: { Authorization: `Bearer ${node.token}` }, signal: AbortSignal.timeout(20_000) })
      expect(res.status).toBe(200)
      const reader = res.body!.getReader()
      // ': ready' is written after the stream's listeners are added: once every stream has
      // read it, any warning their listeners caused has been emitted (on the next tick).
      const decoder = new TextDecoder()
      let text = ''
      while (!text.includes(': ready')) {
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended before it was ready')
        text += decoder.decode(value, { stream: true })
      }
      return reader
    }))
    await new Promise(resolve => setImmediate(resolve))
    expect(warnings.filter(w => w.name === 'MaxListenersExceededWarning').map(w => w.message)).toEqual([])
    await Promise.all(streams.map(async reader => { await reader.cancel() }))
  })
})

describe('the client\'s event stream parser (eventsource-parser)', () => {
  async function * chunks (...parts: string[]): AsyncGenerator<string> { yield * parts }

  it('reads events split anywhere, CRLF line ends, comments, and events without a name', async () => {
    const events = []
    for await (const e of parseEventStream(chunks(': ready\n\nevent: mes', 'sage\r\ndata: {"a"', ':1}\r\n\r\n: ping\n\ndata: 2\n\n'))) events.push(e)
    expect(events).toEqual([{ event: 'message', data: { a: 1 } }, { event: 'message', data: 2 }])
  })

  it('refuses data that is not JSON with a typed error', async () => {
    const read = async (): Promise<void> => { for await (const _ of parseEventStream(chunks('event: message\ndata: {nope\n\n'))) { /* drain */ } }
    await expect(read()).rejects.toMatchObject({ name: 'ApiProtocolError' })
  })
})

/**
 * `send` with a `clientId` (docs/api.md): a send asked again with the same id answers with the
 * text already stored instead of sending it twice, also after the node restarted between the
 * two (the id is stored in the text's own batch), for ten minutes. Real nodes on real LevelDB,
 * served by startDaemon as `murmur start` serves them; the contact is a peer ID no node answers,
 * so the text stays in the outbox.
 */
import { readFile } from 'node:fs/promises'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDaemon } from '../../src/api/daemon.js'
import { homePath } from '../../src/messenger/home.js'
import { createMurmur } from '../../src/messenger/index.js'
import { CLIENT_ID_TTL_MS } from '../../src/messenger/outgoing.js'
import { SteppedClock } from '../clock.js'
import { makeHome, removeDir, startNode } from '../messenger/helpers.js'
import { rpc, startTestNode, type TestNode } from './helpers.js'

describe('send with a clientId (real node, restarted)', () => {
  let node: TestNode
  let dora: string

  beforeAll(async () => {
    node = await startTestNode()
    dora = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    expect((await rpc(node, 'contacts.add', { name: 'dora', peerId: dora })).body.error).toBeUndefined()
  })
  // The daemon in use (restarted below), then the home.
  afterAll(async () => { await node?.daemon.stop().catch(() => {}); await node?.cleanup() })

  const texts = async (): Promise<string[]> => ((await rpc(node, 'history', { to: 'dora' })).body.result as Array<{ text: string }>).map(m => m.text)

  it('asked again, before and after a restart, it answers with the stored text; another text under the same id is refused', async () => {
    const first = await rpc(node, 'send', { to: 'dora', text: 'only once', clientId: 'page-0001' })
    expect(first.body.error).toBeUndefined()
    const again = await rpc(node, 'send', { to: dora, text: 'only once', clientId: 'page-0001' })
    expect(again.body.result.id).toBe(first.body.result.id)

    // The node stops and starts again on the same home: what was in memory is gone.
    await node.daemon.stop()
    node.daemon = await startDaemon({ home: node.home, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }, createMurmur)
    node.token = (await readFile(homePath(node.home, 'apiToken'), 'utf8')).trim()
    node.url = `http://${node.daemon.api.address}`

    const afterRestart = await rpc(node, 'send', { to: 'dora', text: 'only once', clientId: 'page-0001' })
    expect(afterRestart.body.error).toBeUndefined()
    expect(afterRestart.body.result).toMatchObject({ id: first.body.result.id, text: 'only once' })
    const taken = await rpc(node, 'send', { to: 'dora', text: 'something else', clientId: 'page-0001' })
    expect(taken.body.error).toMatchObject({ code: -32602, data: { name: 'InvalidParamsError' } })
    expect(await texts()).toEqual(['only once'])
  })

  it('two sends asked at once with one id store one text', async () => {
    const [a, b] = await Promise.all([
      rpc(node, 'send', { to: 'dora', text: 'at once', clientId: 'page-0002' }),
      rpc(node, 'send', { to: 'dora', text: 'at once', clientId: 'page-0002' })
    ])
    expect(a.body.result.id).toBe(b.body.result.id)
    expect((await texts()).filter(t => t === 'at once')).toHaveLength(1)
  })
})

describe('a clientId names its text for ten minutes (node clock moved)', () => {
  it('after CLIENT_ID_TTL_MS it names nothing, and the next start deletes it', async () => {
    const { dir, home } = await makeHome()
    const clock = new SteppedClock()
    let alice = await startNode(home, { clock })
    try {
      const dora = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
      const sent = await alice.murmur.send(dora, 'named', { returnWhen: 'queued', clientId: 'page-0003' })
      expect((await alice.murmur.sentWithClientId('page-0003'))?.id).toBe(sent.id)
      clock.advance(CLIENT_ID_TTL_MS - 1000)
      expect((await alice.murmur.sentWithClientId('page-0003'))?.id).toBe(sent.id)
      clock.advance(2000)
      expect(await alice.murmur.sentWithClientId('page-0003')).toBeUndefined()

      await alice.murmur.stop()
      alice = await startNode(home, { clock })
      const store = (alice.murmur as unknown as { store: { sublevels: { settings: { list: () => Promise<Array<{ key: string }>> } } } }).store
      expect((await store.sublevels.settings.list()).map(e => e.key).filter(k => k.startsWith('clientId:'))).toEqual([])
    } finally {
      await alice.murmur.stop()
      await removeDir(dir)
    }
  })
})

import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { eventually, makeHome, removeDir, startNode, type TestNode } from './helpers.js'

const SENDER = resolve(import.meta.dirname, 'fixtures/burst-sender.mjs')
const BURST = 300
const KILL_AFTER = 60

describe('a sender killed with SIGKILL mid-burst (real process, real LevelDB)', () => {
  const dirs: string[] = []
  let bob: TestNode
  let alice: TestNode | undefined

  beforeAll(async () => {
    const h = await makeHome()
    dirs.push(h.dir)
    bob = await startNode(h.home)
  })

  afterAll(async () => {
    await Promise.allSettled([bob?.murmur.stop(), alice?.murmur.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  it('after restart every message is delivered once or still queued; none lost, none duplicated', async () => {
    await burstKilledAndRestarted(1)
  })

  it('with 32 sends in flight (groups of sends stored together): the same, and bob reads them in alice\'s order', async () => {
    await burstKilledAndRestarted(32)
  })

  /** Alice's process sends BURST messages to bob, `window` at a time, and is killed mid-burst; she restarts here. */
  async function burstKilledAndRestarted (window: number): Promise<void> {
    const { dir, home } = await makeHome()
    dirs.push(dir)
    const durable = new Map<number, string>()
    let alicePeerId = ''
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn(process.execPath, [SENDER, home, bob.murmur.peerId, bob.addresses[0], String(BURST), String(window)], { stdio: ['ignore', 'pipe', 'pipe'] })
      let buffer = ''
      let stderr = ''
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`sender too slow; stderr: ${stderr}`)) }, 60_000)
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString()
        let nl
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl)
          buffer = buffer.slice(nl + 1)
          const [word, a, b] = line.split(' ')
          if (word === 'ready') alicePeerId = a
          if (word === 'sent') durable.set(Number(a), b)
          if (durable.size === KILL_AFTER) child.kill('SIGKILL')
        }
      })
      child.on('exit', (code, signal) => {
        clearTimeout(timer)
        if (signal === 'SIGKILL') resolvePromise()
        else reject(new Error(`sender exited by itself (${code}); stderr: ${stderr}`))
      })
    })
    expect(durable.size).toBeGreaterThanOrEqual(KILL_AFTER)
    expect(durable.size).toBeLessThan(BURST)

    // Restart alice from the same home, in this process.
    alice = await startNode(home, { bootstrap: bob.addresses })
    expect(alice.murmur.peerId).toBe(alicePeerId)
    const sentByAlice = (await alice.murmur.history(bob.murmur.peerId, { limit: 1000 })).filter(m => m.direction === 'out')
    // Everything that send() returned for is in alice's history.
    for (const id of durable.values()) expect(sentByAlice.some(m => m.id === id)).toBe(true)

    // The outbox drains: each of alice's messages ends up at bob exactly once.
    const atBob = await eventually(async () => {
      const received = (await bob.murmur.history(alicePeerId, { limit: 1000 })).filter(m => m.direction === 'in')
      return received.length >= sentByAlice.length ? received : undefined
    }, 30_000, 'bob to receive every message alice stored')
    const ids = atBob.map(m => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(new Set(ids)).toEqual(new Set(sentByAlice.map(m => m.id)))
    // Order per conversation: bob's history is alice's, message for message.
    expect(ids).toEqual(sentByAlice.map(m => m.id))
    // One send after another: that is also the burst's numbering.
    const numbers = atBob.map(m => Number(m.text.split(' ')[1]))
    if (window === 1) expect(numbers).toEqual([...numbers].sort((x, y) => x - y))

    // What alice still queued (the last acks, her capability for bob) drains too.
    await eventually(async () => (await alice?.murmur.status())?.outbox === 0, 20_000, 'alice\'s outbox to drain')
    await alice.murmur.stop()
    alice = undefined
    const store = await openStore({ path: `${home}/store` })
    try {
      expect(await store.outbox(bob.murmur.peerId)).toHaveLength(0)
    } finally {
      await store.close()
    }
  }
})

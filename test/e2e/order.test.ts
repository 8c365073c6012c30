/**
 * Order per conversation, end to end (docs/messaging.md "Order"): four real `murmur start`
 * processes on 127.0.0.1, driven through the CLI. bob keeps mailboxes at two relays, carol and
 * dave. While bob is away, carol alone takes alice's first message (dave is frozen with SIGSTOP)
 * and dave alone her second (carol is frozen); alice then stops, so that her own retries cannot
 * order them. bob comes back with carol still frozen: the second message arrives first and the
 * gap line shows; when carol thaws (SIGCONT) the first lands at its sender's position, before
 * the second, shown once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliJson, freePort, runCli, untilCli } from './cli-helpers.js'
import { initNode, killAll, spawnCli, startNode, waitFor, type RunningNode } from './daemon-helpers.js'

interface Message { id: string, seq: number, text: string, direction: string, state: string, relays?: Array<{ relay: string, status: string }> }

const STEP_MS = 60_000
const GAP_OPEN = '1 earlier message from this contact has not arrived yet; it may still come through a relay.'
const GAP_FILLED = 'The missing messages from this contact arrived.'

describe('order: a message a relay held lands before a later one that came first (real processes)', () => {
  const cleanups: Array<() => Promise<void>> = []
  const nodes: RunningNode[] = []
  const homes = { alice: '', bob: '' }
  let carol: RunningNode
  let dave: RunningNode
  let alice: RunningNode
  let bob: RunningNode
  let bootstrap: string[] = []

  const start = async (home: string, args: string[] = []): Promise<RunningNode> => {
    const node = await startNode(home, [...args, ...bootstrap.flatMap(a => ['--bootstrap', a])], { timeoutMs: 30_000 })
    nodes.push(node)
    return node
  }
  const storedAt = (m: Message | undefined, relay: RunningNode): boolean =>
    m?.state === 'stored' && (m.relays ?? []).some(r => r.relay === relay.peerId && r.status === 'stored')

  beforeAll(async () => {
    const [c, d, a, b] = await Promise.all([initNode('carol'), initNode('dave'), initNode('alice'), initNode('bob')])
    cleanups.push(c.cleanup, d.cleanup, a.cleanup, b.cleanup)
    homes.alice = a.home
    homes.bob = b.home
    carol = await start(c.home)
    dave = await start(d.home)
    bootstrap = [carol, dave].map(r => `${r.addresses[0]}`)
    alice = await start(a.home)
    bob = await start(b.home)
    for (const relay of [carol, dave]) {
      await cliJson(relay.home, ['trust', 'add', alice.peerId])
      await cliJson(relay.home, ['trust', 'add', bob.peerId])
      expect(await cliJson(bob.home, ['relays', 'add', relay.peerId, '--addr', relay.addresses[0]])).toMatchObject({ registered: true })
    }
    await cliJson(alice.home, ['contacts', 'add', 'bob', bob.peerId])
    await cliJson(bob.home, ['contacts', 'add', 'alice', alice.peerId])
    expect(await cliJson(alice.home, ['send', 'bob', 'hello', '--wait', '--timeout', '30'])).toMatchObject({ state: 'delivered' })
    expect(await cliJson(bob.home, ['send', 'alice', 'hi', '--wait', '--timeout', '30'])).toMatchObject({ state: 'delivered' })
    // alice deposits at the mailboxes bob's contact record lists: both, before bob leaves.
    await untilCli<{ mailboxes: unknown[] }>(alice.home, ['lookup', 'bob'], l => l.mailboxes.length === 2, 'bob\'s record listing both mailboxes', STEP_MS)
  }, 180_000)

  afterAll(async () => {
    for (const n of nodes) if (n.process.exitCode === null) n.process.kill('SIGCONT')
    await Promise.all(nodes.filter(n => n.process.exitCode === null).map(async n => await n.stop()))
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('the gap line shows, then the held message lands before the later one in history --json, the CLI and --follow, once', async () => {
    expect(await bob.stop()).toBe(0)
    dave.process.kill('SIGSTOP')
    const held = await cliJson<Message>(alice.home, ['send', 'bob', 'held at carol'])
    await untilCli<Message[]>(alice.home, ['history', 'bob'], h => storedAt(h.find(m => m.id === held.id), carol), 'the first message stored at carol', STEP_MS)
    dave.process.kill('SIGCONT')
    carol.process.kill('SIGSTOP')
    const later = await cliJson<Message>(alice.home, ['send', 'bob', 'held at dave'])
    await untilCli<Message[]>(alice.home, ['history', 'bob'], h => storedAt(h.find(m => m.id === later.id), dave), 'the second message stored at dave', STEP_MS)
    expect(await alice.stop()).toBe(0)

    // bob is back; carol is still frozen, so the second message comes first.
    bob = await start(homes.bob)
    const before = await untilCli<Message[]>(bob.home, ['history', 'alice'], h => h.some(m => m.text === 'held at dave'), 'the second message at bob', STEP_MS)
    expect(before.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', 'held at dave'])
    expect(before.filter(m => m.direction === 'event').map(m => m.text)).toEqual([GAP_OPEN])
    expect((await runCli(['history', 'alice', '--home', bob.home])).stdout).toContain(`* ${GAP_OPEN}`)

    // Follow the conversation while carol thaws: a stream cannot move printed lines, so it says.
    const follow = spawnCli(['history', 'alice', '--follow', '--home', bob.home])
    await waitFor(() => follow.stderr().includes('following new messages'), 'history --follow to start', 30_000)
    carol.process.kill('SIGCONT')
    const after = await untilCli<Message[]>(bob.home, ['history', 'alice'], h => h.some(m => m.text === 'held at carol'), 'the first message at bob', STEP_MS)
    expect(after.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', 'held at carol', 'held at dave'])
    const late = after.find(m => m.text === 'held at carol') as Message
    expect(late.seq).toBeLessThan((after.find(m => m.text === 'held at dave') as Message).seq)
    expect(new Set(after.map(m => m.id)).size).toBe(after.length)
    expect(after.filter(m => m.direction === 'event').map(m => m.text)).toEqual([GAP_FILLED])

    const text = (await runCli(['history', 'alice', '--home', bob.home])).stdout
    expect(text.split(': held at carol')).toHaveLength(2)
    expect(text.indexOf(': held at carol')).toBeGreaterThan(0)
    expect(text.indexOf(': held at carol')).toBeLessThan(text.indexOf(': held at dave'))

    await waitFor(() => follow.stdout().includes('held at carol'), '--follow to print the late message', 30_000)
    follow.child.kill('SIGINT')
    await follow.exited
    const followed = follow.stdout().split('\n').find(l => l.includes('held at carol')) ?? ''
    expect(followed).toContain(`#${late.seq} `)
    expect(followed).toContain('(arrived late: its place is above, before later messages')
    const inbox = await cliJson<Array<{ peerId: string, unread: number }>>(bob.home, ['inbox'])
    expect(inbox.find(c => c.peerId === alice.peerId)?.unread).toBe(3)

    // alice comes back: bob's receipts reach her, both delivered; bob still shows each once.
    alice = await start(homes.alice)
    await untilCli<Message[]>(alice.home, ['history', 'bob'], h => [held.id, later.id].every(id => h.some(m => m.id === id && m.state === 'delivered')), 'both delivered', STEP_MS)
    const final = await cliJson<Message[]>(bob.home, ['history', 'alice'])
    expect(final.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', 'held at carol', 'held at dave'])
  }, 300_000)
})

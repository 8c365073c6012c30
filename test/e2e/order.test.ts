/**
 * Order per conversation, end to end (docs/messaging.md "Order"): three real `murmur start`
 * processes on 127.0.0.1, driven through the CLI. carol, the relay, holds a message of alice's
 * while bob is away; carol is frozen (SIGSTOP) while bob comes back, so a later message alice
 * sends directly arrives first and opens a hole (the gap line); when carol thaws (SIGCONT) the
 * held message lands at its sender's position, before the later one, shown once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliJson, freePort, runCli, untilCli } from './cli-helpers.js'
import { initNode, killAll, spawnCli, startNode, waitFor, type RunningNode } from './daemon-helpers.js'

interface Message { id: string, seq: number, text: string, direction: string, state: string }

const STEP_MS = 40_000
const GAP_OPEN = '1 earlier message from this contact has not arrived yet; it may still come through a relay.'
const GAP_FILLED = 'The missing messages from this contact arrived.'

describe('order: a message a relay held lands before a later direct one (real processes)', () => {
  const cleanups: Array<() => Promise<void>> = []
  const nodes: RunningNode[] = []
  let carol: RunningNode
  let alice: RunningNode
  let bob: RunningNode
  let bobListen: string

  const startBob = async (): Promise<RunningNode> => {
    // The same port each time: alice reaches bob again at the address she knows.
    const node = await startNode(bob?.home ?? homes.bob, ['--listen', bobListen, '--bootstrap', carolAddr])
    nodes.push(node)
    return node
  }
  const homes = { bob: '' }
  let carolAddr = ''

  beforeAll(async () => {
    const [c, a, b] = await Promise.all([initNode('carol'), initNode('alice'), initNode('bob')])
    cleanups.push(c.cleanup, a.cleanup, b.cleanup)
    homes.bob = b.home
    const carolPort = await freePort()
    bobListen = `/ip4/127.0.0.1/tcp/${await freePort()}`
    carol = await startNode(c.home, ['--listen', `/ip4/127.0.0.1/tcp/${carolPort}`])
    nodes.push(carol)
    carolAddr = `/ip4/127.0.0.1/tcp/${carolPort}/p2p/${carol.peerId}`
    alice = await startNode(a.home, ['--bootstrap', carolAddr])
    nodes.push(alice)
    bob = await startBob()
    await cliJson(carol.home, ['trust', 'add', alice.peerId])
    await cliJson(carol.home, ['trust', 'add', bob.peerId])
    for (const user of [alice, bob]) {
      expect(await cliJson(user.home, ['relays', 'add', carol.peerId, '--addr', carolAddr])).toMatchObject({ registered: true })
    }
    await cliJson(alice.home, ['contacts', 'add', 'bob', bob.peerId])
    await cliJson(bob.home, ['contacts', 'add', 'alice', alice.peerId])
    expect(await cliJson(alice.home, ['send', 'bob', 'hello', '--wait', '--timeout', '30'])).toMatchObject({ state: 'delivered' })
    expect(await cliJson(bob.home, ['send', 'alice', 'hi', '--wait', '--timeout', '30'])).toMatchObject({ state: 'delivered' })
  })

  afterAll(async () => {
    for (const n of nodes) if (n.process.exitCode === null) n.process.kill('SIGCONT')
    await Promise.all(nodes.filter(n => n.process.exitCode === null).map(async n => await n.stop()))
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('the gap line shows, then the held message lands before the later one in history --json, the CLI and --follow, once', async () => {
    expect(await bob.stop()).toBe(0)
    const held = await cliJson<Message>(alice.home, ['send', 'bob', 'held at carol'])
    await untilCli<Message[]>(alice.home, ['history', 'bob'], h => h.some(m => m.id === held.id && m.state === 'stored'), 'stored at carol', STEP_MS)

    // carol freezes with the message; bob comes back and alice's next message goes directly.
    carol.process.kill('SIGSTOP')
    bob = await startBob()
    const direct = await cliJson<Message>(alice.home, ['send', 'bob', 'sent directly', '--wait', '--timeout', '40'], { timeoutMs: 60_000 })
    expect(direct.state).toBe('delivered')

    const before = await cliJson<Message[]>(bob.home, ['history', 'alice'])
    expect(before.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', 'sent directly'])
    expect(before.filter(m => m.direction === 'event').map(m => m.text)).toEqual([GAP_OPEN])
    const gapText = await runCli(['history', 'alice', '--home', bob.home])
    expect(gapText.stdout).toContain(`* ${GAP_OPEN}`)

    // Follow the conversation while carol thaws: a stream cannot move printed lines, so it says.
    const follow = spawnCli(['history', 'alice', '--follow', '--home', bob.home])
    await waitFor(() => follow.stderr().includes('following new messages'), 'history --follow to start', 20_000)
    carol.process.kill('SIGCONT')
    const after = await untilCli<Message[]>(bob.home, ['history', 'alice'], h => h.some(m => m.text === 'held at carol'), 'the held message at bob', STEP_MS)
    expect(after.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', 'held at carol', 'sent directly'])
    const late = after.find(m => m.text === 'held at carol') as Message
    expect(late.seq).toBeLessThan((after.find(m => m.text === 'sent directly') as Message).seq)
    expect(new Set(after.map(m => m.id)).size).toBe(after.length)
    expect(after.filter(m => m.direction === 'event').map(m => m.text)).toEqual([GAP_FILLED])

    const text = (await runCli(['history', 'alice', '--home', bob.home])).stdout
    expect(text.indexOf(': held at carol')).toBeGreaterThan(0)
    expect(text.indexOf(': held at carol')).toBeLessThan(text.indexOf(': sent directly'))
    expect(text.split(': held at carol')).toHaveLength(2)

    await waitFor(() => follow.stdout().includes('held at carol'), '--follow to print the late message', 20_000)
    follow.child.kill('SIGINT')
    await follow.exited
    const followed = follow.stdout().split('\n').find(l => l.includes('held at carol')) ?? ''
    expect(followed).toContain(`#${late.seq} `)
    expect(followed).toContain('(arrived late: its place is above, before later messages')

    // The relay empties; the sender sees it delivered; bob's unread count holds both messages.
    await untilCli<Message[]>(alice.home, ['history', 'bob'], h => h.some(m => m.id === held.id && m.state === 'delivered'), 'delivered', STEP_MS)
    const inbox = await cliJson<Array<{ peerId: string, unread: number, lastMessage?: Message }>>(bob.home, ['inbox'])
    expect(inbox.find(c => c.peerId === alice.peerId)).toMatchObject({ unread: 3, lastMessage: { text: GAP_FILLED } })
  })
})

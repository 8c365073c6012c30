/**
 * Order per conversation, end to end (docs/messaging.md "Order"), through the CLI of real
 * processes: a message a relay held arrives after a later one (order-scenario.ts); the gap line
 * shows, then the late message lands before the later one, shown once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliJson, runCli } from './cli-helpers.js'
import { spawnCli } from './daemon-helpers.js'
import { FIRST, GAP_FILLED, GAP_OPEN, OrderScenario, SECOND, type Message } from './order-scenario.js'

describe('order: a message a relay held lands before a later one that came first (real processes)', () => {
  const s = new OrderScenario()

  beforeAll(async () => { await s.setup() }, 180_000)
  afterAll(async () => { await s.teardown() })

  it('the gap line shows, then the held message lands before the later one in history --json, the CLI and --follow, once', async () => {
    const firstStored = await s.holdApart()
    // A relay that does not answer (dave, frozen) never holds back one that did: FIRST showed
    // "stored at carol" before dave's deposit gave up.
    expect(firstStored.relays).toEqual([{ relay: s.carol.peerId, status: 'stored' }])
    const before = await s.bobBack()
    expect(before.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', SECOND])
    expect(before.filter(m => m.direction === 'event').map(m => m.text)).toEqual([GAP_OPEN])
    expect((await runCli(['history', 'alice', '--home', s.bob.home])).stdout).toContain(`* ${GAP_OPEN}`)

    // Follow the conversation while carol thaws: a stream cannot move printed lines, so it says.
    const follow = spawnCli(['history', 'alice', '--follow', '--home', s.bob.home])
    await expect.poll(() => follow.stderr().includes('following new messages'), { timeout: 30_000, interval: 25, message: 'history --follow to start' }).toBe(true)
    const after = await s.thawCarol()
    expect(after.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', FIRST, SECOND])
    const late = after.find(m => m.text === FIRST) as Message
    expect(late.seq).toBeLessThan((after.find(m => m.text === SECOND) as Message).seq)
    expect(new Set(after.map(m => m.id)).size).toBe(after.length)
    expect(after.filter(m => m.direction === 'event').map(m => m.text)).toEqual([GAP_FILLED])

    const text = (await runCli(['history', 'alice', '--home', s.bob.home])).stdout
    expect(text.split(`: ${FIRST}`)).toHaveLength(2)
    expect(text.indexOf(`: ${FIRST}`)).toBeGreaterThan(0)
    expect(text.indexOf(`: ${FIRST}`)).toBeLessThan(text.indexOf(`: ${SECOND}`))

    await expect.poll(() => follow.stdout().includes(FIRST), { timeout: 30_000, interval: 25, message: '--follow to print the late message' }).toBe(true)
    follow.child.kill('SIGINT')
    await follow.exited
    const followed = follow.stdout().split('\n').find(l => l.includes(FIRST)) ?? ''
    expect(followed).toContain(`#${late.seq} `)
    expect(followed).toContain('(arrived late: its place is above, before later messages')
    // Unread: hello, and both held messages.
    const inbox = await cliJson<Array<{ peerId: string, unread: number }>>(s.bob.home, ['inbox'])
    expect(inbox.find(c => c.peerId === s.alice.peerId)?.unread).toBe(3)

    // alice comes back: bob's receipts reach her; bob still shows each message once.
    await s.aliceBack()
    const final = await cliJson<Message[]>(s.bob.home, ['history', 'alice'])
    expect(final.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', FIRST, SECOND])
  }, 300_000)
})

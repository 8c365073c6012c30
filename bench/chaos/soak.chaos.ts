// The chaos soak (`npm run chaos [-- --minutes N]`; issue 11): alice, bob and their relay
// carol run as real `murmur start` processes (started through test/e2e/daemon-helpers.ts).
// Alice and bob send to each other at a steady rate and in bursts while a controller
// SIGKILLs any of the three at random moments and restarts it, SIGSTOPs one for longer than
// the delivery timeouts, and fills the relay's mailbox for a node that is down to its quota.
// At the end, with everyone running and the outboxes drained, it checks that every message
// sent is in the recipient's history exactly once and in its sender's order, that the senders' states
// agree, that nothing is stuck and the relay holds nothing, and that no session was reset.
// Figures go to bench/results/chaos.json.
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../src/api/client.js'
import type { MessageView } from '../../src/messenger/types.js'
import { initNode, killAll, startNode, type RunningNode } from '../../test/e2e/daemon-helpers.js'
import { makeEnvelope, startNode as startRelayClientNode, type RelayNode } from '../../test/relay/helpers.js'

const MINUTES = Number(process.env.CHAOS_MINUTES ?? 10)
const RESULTS = resolve(import.meta.dirname, '../results/chaos.json')
/** Steady sending: one message per sender every this many ms; a burst of BURST every BURST_EVERY_MS. */
const SEND_EVERY_MS = 700
const BURST = 10
const BURST_EVERY_MS = 20_000
/** Longer than a direct delivery attempt (DIRECT_SEND_TIMEOUT_MS, 10 s). */
const STOP_MS = [11_000, 14_000]
/** How long a node may take to start and serve its API. */
const START_MS = 60_000
/** After the soak: how long the nodes get to deliver everything. */
const DRAIN_MS = 5 * 60_000
/** A call to a node's API; a stopped node does not answer. */
const CALL_MS = 5_000

interface Party {
  name: 'alice' | 'bob' | 'carol'
  home: string
  peerId: string
  port: number
  node?: RunningNode
  /** What the controller is doing to it: a send while it is not 'up' may or may not land. */
  status: 'up' | 'killed' | 'stopped' | 'starting'
  cleanup: () => Promise<void>
  /** stderr of its earlier processes (CHAOS_LOG_DIR keeps them for diagnosis). */
  log: string
}

async function freePort (): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => { resolvePort(port) })
    })
  })
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolveSleep => setTimeout(resolveSleep, ms)) }
const between = ([lo, hi]: number[]): number => lo + Math.random() * (hi - lo)

function percentile (values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

async function client (party: Party): Promise<ApiClient> {
  return await ApiClient.connect(party.home)
}

/** All of a conversation's history, oldest first (pages of 1,000). */
async function fullHistory (party: Party, peerId: string): Promise<MessageView[]> {
  const api = await client(party)
  const all: MessageView[] = []
  let before: number | undefined
  for (;;) {
    const page = await api.call('history', { to: peerId, limit: 1000, ...(before !== undefined ? { before } : {}) }, { timeoutMs: 30_000 })
    all.unshift(...page)
    if (page.length < 1000) return all
    before = page[0].seq
  }
}

describe(`chaos soak, ${MINUTES} minutes`, () => {
  const parties: Party[] = []
  let filler: RelayNode | undefined

  afterAll(async () => {
    for (const p of parties) if (p.status === 'stopped') p.node?.process.kill('SIGCONT')
    await Promise.all(parties.map(async p => await p.node?.stop().catch(() => null)))
    killAll()
    await filler?.stop()
    await Promise.all(parties.map(async p => { await p.cleanup() }))
  })

  it('loses, duplicates and strands nothing while nodes are killed, stopped and their mailbox filled', async () => {
    for (const name of ['carol', 'alice', 'bob'] as const) {
      const { home, peerId, cleanup } = await initNode(name)
      parties.push({ name, home, peerId, port: await freePort(), status: 'starting', cleanup, log: '' })
    }
    const [carol, alice, bob] = parties
    const carolAddr = `/ip4/127.0.0.1/tcp/${carol.port}/p2p/${carol.peerId}`
    // A node that exits while the controller left it running crashed: that is a failure.
    const crashes: string[] = []
    // Set once the checks are done: the nodes are then stopped on purpose.
    let ending = false
    const start = async (p: Party): Promise<void> => {
      p.status = 'starting'
      // A restart on a loaded machine (load 20+ on 2 cores) took more than startNode's default 15 s.
      const node = await startNode(p.home, ['--listen', `/ip4/127.0.0.1/tcp/${p.port}`, ...(p === carol ? [] : ['--bootstrap', carolAddr])], { timeoutMs: START_MS })
      p.node = node
      p.status = 'up'
      node.process.once('exit', (code, signal) => {
        p.log += `--- ${new Date().toISOString()} process ${node.process.pid} exited (${code ?? signal})\n${node.stderr()}`
        if (ending || p.node !== node || (p.status !== 'up' && p.status !== 'stopped')) return
        crashes.push(`${p.name} exited (${code ?? signal}) on its own: ${node.stderr().slice(-1500)}`)
        process.stdout.write(`CRASH ${crashes[crashes.length - 1]}\n`)
        p.status = 'killed'
        void start(p)
      })
    }
    for (const p of parties) await start(p)

    // Contacts, trust and mailboxes; then one message each way establishes the sessions.
    await (await client(alice)).call('contacts.add', { name: 'bob', peerId: bob.peerId })
    await (await client(bob)).call('contacts.add', { name: 'alice', peerId: alice.peerId })
    await (await client(alice)).call('contacts.add', { name: 'carol', peerId: carol.peerId })
    await (await client(bob)).call('contacts.add', { name: 'carol', peerId: carol.peerId })
    filler = await startRelayClientNode()
    for (const peerId of [alice.peerId, bob.peerId, filler.peerId.toString()]) await (await client(carol)).call('trust.add', { peerId })
    for (const p of [alice, bob]) await (await client(p)).call('relays.add', { peerId: carol.peerId, addr: [`/ip4/127.0.0.1/tcp/${carol.port}`] }, { timeoutMs: 30_000 })
    await filler.dial(multiaddr(carolAddr))
    for (const [from, to] of [[alice, bob], [bob, alice]]) {
      const m = await (await client(from)).call('send', { to: to.peerId, text: `${from.name} warm-up`, wait: true, timeout: 60 }, { timeoutMs: 70_000 })
      expect(m.state, `${from.name} warm-up`).toBe('delivered')
    }

    // ---- the soak -------------------------------------------------------------------------
    const sent = new Map<string, { from: Party, to: Party, n: number, id?: string, at: number }>()
    const maybe = new Map<string, { from: Party, to: Party, n: number }>()
    const deliveredAt = new Map<string, number>()
    const counts = { kills: 0, stops: 0, fills: 0, filled_envelopes: 0, send_errors: 0 }
    const soakEnds = Date.now() + MINUTES * 60_000
    let soaking = true

    const sendOne = async (from: Party, to: Party, n: number): Promise<void> => {
      const text = `${from.name}->${to.name} #${n} ${randomBytes(4).toString('hex')}`
      const wasUp = from.status === 'up'
      try {
        const m = await (await client(from)).call('send', { to: to.peerId, text }, { timeoutMs: CALL_MS })
        sent.set(text, { from, to, n, id: m.id, at: Date.now() })
      } catch {
        counts.send_errors++
        // A node killed or stopped mid-call may have stored it: checked at the end.
        if (wasUp || from.status !== 'killed') maybe.set(text, { from, to, n })
      }
    }
    const sender = async (from: Party, to: Party): Promise<void> => {
      let n = 0
      let nextBurst = Date.now() + BURST_EVERY_MS
      while (soaking && Date.now() < soakEnds) {
        if (from.status === 'up') {
          if (Date.now() >= nextBurst) {
            nextBurst = Date.now() + BURST_EVERY_MS
            await Promise.all(Array.from({ length: BURST }, async () => { await sendOne(from, to, ++n) }))
          } else {
            await sendOne(from, to, ++n)
          }
        }
        await sleep(SEND_EVERY_MS)
      }
    }
    // Delivery times from each sender's own events (a subscription is renewed after restarts).
    const watch = async (from: Party): Promise<void> => {
      while (soaking) {
        if (from.status !== 'up') { await sleep(200); continue }
        try {
          const events = await (await client(from)).events({ names: ['message:state'], timeoutMs: CALL_MS })
          const stop = setInterval(() => { if (!soaking || from.status !== 'up') events.close() }, 200)
          try {
            for await (const e of events) {
              if (e.event === 'message:state' && (e.data.state === 'delivered' || e.data.state === 'read') && !deliveredAt.has(e.data.id)) deliveredAt.set(e.data.id, Date.now())
            }
          } finally { clearInterval(stop) }
        } catch { await sleep(200) }
      }
    }
    const fill = async (victim: Party): Promise<void> => {
      // 200 KiB envelopes for the victim's mailbox at carol until carol answers QUOTA (64 MiB).
      const recipient = peerIdFromString(victim.peerId)
      for (let i = 0; i < 400; i++) {
        try {
          await filler!.services.mailbox.deposit(peerIdFromString(carol.peerId), makeEnvelope(recipient, { payloadBytes: 200 * 1024 }).bytes, { signal: AbortSignal.timeout(CALL_MS) })
          counts.filled_envelopes++
        } catch (err) {
          if ((err as Error).name === 'MailboxQuotaError') return
          if ((err as Error).name === 'RelayRateLimitedError') { await sleep(500); continue }
          return
        }
      }
    }
    const controller = async (): Promise<void> => {
      while (Date.now() < soakEnds - 15_000) {
        await sleep(between([3_000, 9_000]))
        const victim = parties[Math.floor(Math.random() * parties.length)]
        const roll = Math.random()
        if (roll < 0.2) {
          process.stdout.write(`${new Date().toISOString()} SIGSTOP ${victim.name}\n`)
          victim.status = 'stopped'
          victim.node!.process.kill('SIGSTOP')
          counts.stops++
          await sleep(between(STOP_MS))
          victim.node!.process.kill('SIGCONT')
          victim.status = 'up'
        } else {
          process.stdout.write(`${new Date().toISOString()} SIGKILL ${victim.name}\n`)
          victim.status = 'killed'
          victim.node!.process.kill('SIGKILL')
          await victim.node!.stop('SIGKILL')
          counts.kills++
          // Sometimes, while alice or bob is down, its mailbox at carol is filled to the quota;
          // at least once per run, from its second half on.
          const fillDue = counts.fills === 0 && Date.now() > soakEnds - MINUTES * 30_000
          if (victim !== carol && carol.status === 'up' && (roll > 0.85 || fillDue)) {
            counts.fills++
            await fill(victim)
          } else {
            await sleep(between([500, 4_000]))
          }
          await start(victim)
        }
      }
    }

    const soakStarted = Date.now()
    const watchers = [watch(alice), watch(bob)]
    await Promise.all([sender(alice, bob), sender(bob, alice), controller()])
    const soakSeconds = (Date.now() - soakStarted) / 1000

    // ---- drain and check --------------------------------------------------------------------
    for (const p of parties) if (p.status !== 'up') await start(p)
    // A "maybe" is a message if its sender stored it.
    for (const [text, m] of maybe) {
      const found = (await fullHistory(m.from, m.to.peerId)).find(v => v.direction === 'out' && v.text === text)
      if (found !== undefined) sent.set(text, { ...m, id: found.id, at: found.sentAt })
    }
    const drainStarted = Date.now()
    let outboxes = -1
    let relayHeld = -1
    while (Date.now() - drainStarted < DRAIN_MS) {
      const status = await Promise.all(parties.map(async p => await (await client(p)).call('status', {}, { timeoutMs: 30_000 })))
      outboxes = status[1].outbox + status[2].outbox
      // What carol holds: forward queues, and alice's and bob's mailboxes (as their status asks carol).
      relayHeld = status.reduce((n, s) => n + s.relaying.forwardQueued + s.relays.reduce((q, r) => q + (r.queued ?? 0), 0), 0)
      const received = new Set([...await fullHistory(bob, alice.peerId), ...await fullHistory(alice, bob.peerId)].filter(m => m.direction === 'in').map(m => m.text))
      const missing = [...sent.keys()].filter(t => !received.has(t)).length
      if (outboxes === 0 && missing === 0 && relayHeld === 0) break
      await sleep(2_000)
    }
    soaking = false
    await Promise.race([Promise.all(watchers), sleep(2_000)])

    let duplicated = 0
    let outOfOrder = 0
    let lost = 0
    let stateMismatch = 0
    let resets = 0
    let gapLines = 0
    for (const [from, to] of [[alice, bob], [bob, alice]]) {
      // Each side's history of the conversation, read once and used for every check below.
      const received = await fullHistory(to, from.peerId)
      const sentHistory = await fullHistory(from, to.peerId)
      const inbox = received.filter(m => m.direction === 'in' && m.text.startsWith(`${from.name}->`))
      const counted = new Map<string, number>()
      for (const m of inbox) counted.set(m.text, (counted.get(m.text) ?? 0) + 1)
      duplicated += [...counted.values()].filter(c => c > 1).length
      // The sender's order is its own history's (the order its node numbered the texts in; a
      // burst's concurrent send calls may be numbered in another order than their #n).
      const senderHistory = sentHistory.filter(m => m.direction === 'out')
      const position = new Map(senderHistory.map((m, i) => [m.text, i]))
      const positions = inbox.map(m => position.get(m.text) ?? -1)
      for (let i = 1; i < positions.length; i++) {
        if (positions[i] >= positions[i - 1]) continue
        outOfOrder++
        process.stdout.write(`out of order at ${to.name}: "${inbox[i].text}" (#${inbox[i].seq}) after "${inbox[i - 1].text}" (#${inbox[i - 1].seq})\n`)
      }
      const mine = [...sent].filter(([, s]) => s.from === from)
      const outgoingViews = new Map(senderHistory.map(m => [m.text, m]))
      const outgoing = new Map([...outgoingViews].map(([text, m]) => [text, m.state]))
      for (const [text, s] of mine.filter(([t]) => !counted.has(t))) {
        lost++
        const view = outgoingViews.get(text)
        process.stdout.write(`lost: "${text}" sent at ${new Date(s.at).toISOString()}, sender state ${view?.state ?? 'not in the sender\'s history'}${view?.reason !== undefined ? ` (${view.reason})` : ''}\n`)
      }
      for (const e of received.filter(m => m.direction === 'event')) process.stdout.write(`event at ${to.name}: ${new Date(e.sentAt).toISOString()} ${e.text}\n`)
      for (const e of sentHistory.filter(m => m.direction === 'event')) process.stdout.write(`event at ${from.name}: ${new Date(e.sentAt).toISOString()} ${e.text}\n`)
      stateMismatch += mine.filter(([text]) => counted.has(text) && !['delivered', 'read'].includes(outgoing.get(text) ?? '')).length
      resets += received.filter(m => m.direction === 'event' && /session/i.test(m.text)).length
      // Holes the receiver saw (each a gap line): how often a message came late and was placed.
      gapLines += received.filter(m => m.direction === 'event' && /earlier message|missing messages/.test(m.text)).length
    }
    const latencies = [...sent.values()].filter(s => s.id !== undefined && deliveredAt.has(s.id)).map(s => (deliveredAt.get(s.id as string) as number) - s.at).filter(ms => ms >= 0)

    const result = {
      minutes: MINUTES,
      soak_seconds: Number(soakSeconds.toFixed(1)),
      messages_sent: sent.size,
      lost,
      duplicated,
      out_of_order: outOfOrder,
      kills: counts.kills,
      stops: counts.stops,
      quota_fills: counts.fills,
      filler_envelopes: counts.filled_envelopes,
      stuck_in_outbox: outboxes,
      sender_state_mismatch: stateMismatch,
      relay_held_at_end: relayHeld,
      resets,
      gap_lines: gapLines,
      crashes: crashes.length,
      send_calls_failed: counts.send_errors,
      drain_seconds: Number(((Date.now() - drainStarted) / 1000).toFixed(1)),
      delivered_latency_samples: latencies.length,
      send_to_delivered_p50_ms: Math.round(percentile(latencies, 0.5)),
      send_to_delivered_p99_ms: Math.round(percentile(latencies, 0.99)),
      date: new Date().toISOString()
    }
    // Node's own warnings (a listener leak, ...) in any node's output.
    const warnings = parties.flatMap(p => {
      const lines = (p.node?.stderr() ?? '').split('\n')
      // With --trace-warnings, the stack that caused a warning follows it.
      return [...new Set(lines.flatMap((l, i) => /Warning:/.test(l) ? [`${p.name}: ${lines.slice(i, i + 12).join('\n')}`] : []))]
    })
    ending = true
    await writeFile(RESULTS, JSON.stringify(result, null, 2) + '\n')
    if (process.env.CHAOS_LOG_DIR !== undefined) {
      for (const p of parties) await writeFile(join(process.env.CHAOS_LOG_DIR, `chaos-${p.name}.log`), p.log + `--- current process\n${p.node?.stderr() ?? ''}`)
    }
    process.stdout.write(`chaos: ${JSON.stringify(result)}\n`)

    expect(crashes).toEqual([])
    expect(warnings).toEqual([])
    expect(result.messages_sent).toBeGreaterThan(0)
    expect(result.kills + result.stops).toBeGreaterThan(0)
    // In order per conversation: a message that arrives after later ones (held by a relay
    // while its recipient was away) is placed at its sender's position (docs/messaging.md "Order").
    expect({ lost, duplicated, out_of_order: outOfOrder, stuck_in_outbox: outboxes, sender_state_mismatch: stateMismatch, relay_held_at_end: relayHeld, resets })
      .toEqual({ lost: 0, duplicated: 0, out_of_order: 0, stuck_in_outbox: 0, sender_state_mismatch: 0, relay_held_at_end: 0, resets: 0 })
  })
})

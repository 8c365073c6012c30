/**
 * A late message, made with real processes (docs/messaging.md "Order"): bob keeps mailboxes at
 * two relays, carol and dave. While bob is away, carol alone takes alice's first message (dave
 * is frozen with SIGSTOP) and dave alone her second (carol is frozen); alice then stops, so
 * that her own retries cannot order them. bob comes back with carol still frozen: the second
 * message arrives first and opens a hole. `thawCarol` lets the first one come. Used by
 * test/web/order.test.ts, which watches it through the CLI and the web app at once.
 */
import { untilCli } from './cli-helpers.js'
import { callApi, initNode, killAll, startNode, untilApi, type RunningNode } from './daemon-helpers.js'

export interface Message { id: string, seq: number, text: string, direction: string, state: string, relays?: Array<{ relay: string, status: string }> }

export const STEP_MS = 60_000
/**
 * alice's bound on one relay's answer (`murmur start --relay-timeout`, default 10 s): the
 * scenario waits out her deposit at a frozen relay twice. 3 s stays far above a deposit at a
 * relay that answers (milliseconds on loopback, even on a loaded machine).
 */
const ALICE_ARGS = ['--relay-timeout', '3']
export const GAP_OPEN = '1 earlier message from this contact has not arrived yet; it may still come through a relay.'
export const GAP_FILLED = 'The missing messages from this contact arrived.'
export const FIRST = 'held at carol'
export const SECOND = 'held at dave'

export class OrderScenario {
  carol!: RunningNode
  dave!: RunningNode
  alice!: RunningNode
  bob!: RunningNode
  held!: Message
  later!: Message
  private readonly nodes: RunningNode[] = []
  private readonly cleanups: Array<() => Promise<void>> = []
  private readonly homes = { alice: '', bob: '' }
  private bootstrap: string[] = []

  /** Four nodes; carol and dave relay for alice and bob; bob has a mailbox at each; one exchange. */
  async setup (): Promise<void> {
    const [c, d, a, b] = await Promise.all([initNode('carol'), initNode('dave'), initNode('alice'), initNode('bob')])
    this.cleanups.push(c.cleanup, d.cleanup, a.cleanup, b.cleanup)
    this.homes.alice = a.home
    this.homes.bob = b.home
    // The relays need nobody, the people need only the relays: each pair starts together.
    ;[this.carol, this.dave] = await Promise.all([this.start(c.home), this.start(d.home)])
    this.bootstrap = [this.carol.addresses[0], this.dave.addresses[0]]
    ;[this.alice, this.bob] = await Promise.all([this.start(a.home, ALICE_ARGS), this.start(b.home)])
    // The set-up goes through the nodes' API (what these commands call): the CLI's own commands
    // are tested elsewhere (test/e2e/relay, messaging, newcomer), and a process each costs CPU.
    for (const relay of [this.carol, this.dave]) {
      await callApi(relay, 'trust.add', { peerId: this.alice.peerId })
      await callApi(relay, 'trust.add', { peerId: this.bob.peerId })
      const added = await callApi(this.bob, 'relays.add', { peerId: relay.peerId, addr: [relay.addresses[0]] })
      if (!added.registered) throw new Error(`bob's mailbox at ${relay.home} was not registered`)
    }
    await callApi(this.alice, 'contacts.add', { name: 'bob', peerId: this.bob.peerId })
    await callApi(this.bob, 'contacts.add', { name: 'alice', peerId: this.alice.peerId })
    for (const [from, to] of [[this.alice, 'bob'], [this.bob, 'alice']] as const) {
      const sent = await callApi(from, 'send', { to, text: from === this.alice ? 'hello' : 'hi', wait: true, timeout: 30 }, 40_000)
      if (sent.state !== 'delivered') throw new Error(`the first exchange was not delivered: ${sent.state}`)
    }
    // alice deposits at the mailboxes bob's contact record lists: both, before bob leaves.
    await untilApi(this.alice, 'lookup', { peer: 'bob' }, l => l.mailboxes.length === 2, 'bob\'s record listing both mailboxes', STEP_MS)
  }

  /**
   * bob away; FIRST stored at carol only, SECOND at dave only; alice stopped; carol left frozen.
   * Resolves with FIRST as alice's history first showed it stored (at carol, while her deposit
   * at frozen dave was still waiting).
   */
  async holdApart (): Promise<Message> {
    if (await this.bob.stop() !== 0) throw new Error('bob did not stop cleanly')
    this.dave.process.kill('SIGSTOP')
    this.held = await callApi(this.alice, 'send', { to: 'bob', text: FIRST })
    const firstStored = await this.untilStored(this.held, this.carol)
    // dave thaws only once alice's deposit there has given up: woken earlier, he would still
    // take it from his socket, and FIRST would not be held at carol alone.
    await this.untilRelayAnswered(this.held, this.dave)
    this.dave.process.kill('SIGCONT')
    this.carol.process.kill('SIGSTOP')
    this.later = await callApi(this.alice, 'send', { to: 'bob', text: SECOND })
    await this.untilStored(this.later, this.dave)
    await this.untilRelayAnswered(this.later, this.carol)
    if (await this.alice.stop() !== 0) throw new Error('alice did not stop cleanly')
    return firstStored
  }

  /** bob starts again (`args`: e.g. a fixed API address) and receives SECOND from dave. */
  async bobBack (args: string[] = []): Promise<Message[]> {
    this.bob = await this.start(this.homes.bob, args)
    return await untilCli<Message[]>(this.bob.home, ['history', 'alice'], h => h.some(m => m.text === SECOND), 'the second message at bob', STEP_MS)
  }

  /** bob's node stops and starts again on its home (`args` as for bobBack: the same API address keeps his pages' origin). */
  async bobRestart (args: string[] = []): Promise<void> {
    await this.bob.stop()
    this.bob = await this.start(this.homes.bob, args)
  }

  /** carol thaws and pushes FIRST to bob; resolves with bob's history once it holds it. */
  async thawCarol (): Promise<Message[]> {
    this.carol.process.kill('SIGCONT')
    return await untilCli<Message[]>(this.bob.home, ['history', 'alice'], h => h.some(m => m.text === FIRST), 'the first message at bob', STEP_MS)
  }

  /**
   * alice comes back and learns from bob's receipts that both arrived (delivered, or read where
   * a page of bob's had the conversation open); resolves with her history then.
   */
  async aliceBack (): Promise<Message[]> {
    this.alice = await this.start(this.homes.alice, ALICE_ARGS)
    const ids = [this.held.id, this.later.id]
    return await untilCli<Message[]>(this.alice.home, ['history', 'bob'], h => ids.every(id => h.some(m => m.id === id && (m.state === 'delivered' || m.state === 'read'))), 'both delivered', STEP_MS)
  }

  async teardown (): Promise<void> {
    for (const n of this.nodes) if (n.process.exitCode === null) n.process.kill('SIGCONT')
    await Promise.all(this.nodes.filter(n => n.process.exitCode === null).map(async n => await n.stop()))
    killAll()
    await Promise.all(this.cleanups.map(async c => { await c() }))
  }

  private async start (home: string, args: string[] = []): Promise<RunningNode> {
    const node = await startNode(home, [...args, ...this.bootstrap.flatMap(a => ['--bootstrap', a])], { timeoutMs: 30_000 })
    this.nodes.push(node)
    return node
  }

  // The waits below are on alice's node, not on the CLI: they poll her API (the history the
  // command prints), no process per wait (a process costs 0.15 CPU-s).
  private async untilStored (message: Message, relay: RunningNode): Promise<Message> {
    const history = await untilApi(this.alice, 'history', { to: 'bob' }, h => {
      const m = h.find(x => x.id === message.id)
      return m?.state === 'stored' && (m.relays ?? []).some(r => r.relay === relay.peerId && r.status === 'stored')
    }, `${message.text} stored at ${relay.home}`, STEP_MS)
    return history.find(x => x.id === message.id) as Message
  }

  /** Until alice's history has `relay`'s answer about `message` (a frozen relay's: refused, at the call timeout). */
  private async untilRelayAnswered (message: Message, relay: RunningNode): Promise<void> {
    await untilApi(this.alice, 'history', { to: 'bob' }, h => {
      const m = h.find(x => x.id === message.id)
      return (m?.relays ?? []).some(r => r.relay === relay.peerId)
    }, `${relay.home}'s answer about ${message.text}`, STEP_MS)
  }
}

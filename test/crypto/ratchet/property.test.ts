import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/crypto/ratchet/index.js'
import { DuplicateMessageError, HeaderDecryptionError } from '../../../src/crypto/errors.js'
import { KEPT_RECEIVING_CHAINS } from '../../../src/crypto/ratchet/constants.js'
import type { CryptoProvider } from '../../../src/crypto/provider.js'
import { expectFailure, makePair, providers, text } from './helpers.js'

type Party = 'alice' | 'bob'
const other = (party: Party): Party => party === 'alice' ? 'bob' : 'alice'

interface InFlight {
  message: Uint8Array
  plaintext: Uint8Array
  /** The sender's sending-chain ordinal when it sent (0, 1, 2...). */
  chain: number
}

/**
 * The model: per party its state, its sending-chain ordinal, the highest chain ordinal it has
 * received from the peer; per direction the messages in flight and those delivered.
 * A chain ordinal moves on exactly when a party receives a message of a newer peer chain.
 */
class Conversation {
  readonly states: Record<Party, RatchetState>
  readonly sendChain: Record<Party, number> = { alice: 0, bob: -1 }
  readonly receivedChain: Record<Party, number> = { alice: -1, bob: -1 }
  readonly inFlight: Record<Party, InFlight[]> = { alice: [], bob: [] } // keyed by recipient
  readonly delivered: Record<Party, InFlight[]> = { alice: [], bob: [] }
  counter = 0
  /** How often the interesting paths ran, summed over runs by the caller. */
  readonly seen = { outOfOrder: 0, replayed: 0, unreachable: 0, dropped: 0 }

  constructor (readonly provider: CryptoProvider) {
    const { alice, bob } = makePair(provider)
    this.states = { alice, bob }
  }

  /** A message of `chain` is out of reach once the receiver keeps no header key for it. */
  reachable (to: Party, chain: number): boolean {
    return chain > this.receivedChain[to] - KEPT_RECEIVING_CHAINS
  }

  send (from: Party): void {
    if (this.sendChain[from] < 0) return // Bob cannot send before he has received.
    const plaintext = text(`${from} #${this.counter++}`)
    const result = ratchetEncrypt(this.provider, this.states[from], plaintext)
    this.states[from] = result.state
    this.inFlight[other(from)].push({ message: result.message, plaintext, chain: this.sendChain[from] })
  }

  deliver (to: Party, pick: number): void {
    const queue = this.inFlight[to]
    if (queue.length === 0) return
    const index = pick < 0 ? queue.length - 1 : pick % queue.length
    const [item] = queue.splice(index, 1)
    const state = this.states[to]
    if (index !== 0) this.seen.outOfOrder++
    if (!this.reachable(to, item.chain)) {
      this.seen.unreachable++
      expectFailure(state, () => ratchetDecrypt(this.provider, state, item.message), HeaderDecryptionError.name)
      return
    }
    const result = ratchetDecrypt(this.provider, state, item.message)
    expect(result.plaintext).toEqual(item.plaintext)
    this.states[to] = result.state
    this.delivered[to].push(item)
    if (item.chain > this.receivedChain[to]) {
      this.receivedChain[to] = item.chain
      this.sendChain[to]++
    }
  }

  drop (to: Party, pick: number): void {
    const queue = this.inFlight[to]
    if (queue.length === 0) return
    queue.splice(pick % queue.length, 1)
    this.seen.dropped++
  }

  replay (to: Party, pick: number): void {
    const done = this.delivered[to]
    if (done.length === 0) return
    const item = done[pick % done.length]
    const state = this.states[to]
    const name = this.reachable(to, item.chain) ? DuplicateMessageError.name : HeaderDecryptionError.name
    if (this.reachable(to, item.chain)) this.seen.replayed++
    else this.seen.unreachable++
    expectFailure(state, () => ratchetDecrypt(this.provider, state, item.message), name)
  }
}

const party = fc.constantFrom<Party>('alice', 'bob')
const command = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('send' as const), party }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), party, pick: fc.nat() }), weight: 2 },
  // Newest first: lets older messages linger until their chain is forgotten.
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), party, pick: fc.constant(-1) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), party, pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('replay' as const), party, pick: fc.nat() }), weight: 1 }
)

function run (provider: CryptoProvider, numRuns: number, maxLength: number): { steps: number, seen: Conversation['seen'] } {
  let steps = 0
  const seen = { outOfOrder: 0, replayed: 0, unreachable: 0, dropped: 0 }
  fc.assert(
    fc.property(fc.array(command, { minLength: maxLength / 2, maxLength }), (commands) => {
      const conversation = new Conversation(provider)
      for (const cmd of commands) {
        if (cmd.kind === 'send') conversation.send(cmd.party)
        else if (cmd.kind === 'deliver') conversation.deliver(cmd.party, cmd.pick)
        else if (cmd.kind === 'drop') conversation.drop(cmd.party, cmd.pick)
        else conversation.replay(cmd.party, cmd.pick)
      }
      // Flush: everything still in flight and reachable decrypts exactly once.
      for (const to of ['alice', 'bob'] as const) {
        while (conversation.inFlight[to].length > 0) conversation.deliver(to, 0)
      }
      steps += commands.length
      for (const key of Object.keys(seen) as Array<keyof typeof seen>) seen[key] += conversation.seen[key]
    }),
    { numRuns, seed: 20261107 }
  )
  return { steps, seen }
}

describe.each(providers)('fast-check conversation model (%s)', (_name, provider) => {
  it('delivers every message exactly once, refuses replays, across random schedules', () => {
    const { steps, seen } = run(provider, 20, 200)
    expect(steps).toBeGreaterThanOrEqual(2000)
    // The schedules did exercise reordering, loss, replays and forgotten chains.
    expect(seen.outOfOrder).toBeGreaterThan(100)
    expect(seen.dropped).toBeGreaterThan(50)
    expect(seen.replayed).toBeGreaterThan(50)
    expect(seen.unreachable).toBeGreaterThan(0)
  })
})

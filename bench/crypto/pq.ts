/**
 * The post-quantum part of the Triple Ratchet in the crypto benchmark (docs/benchmarks.md):
 *
 * - `pqPingPong`, `pqBurst`: exactly the post-quantum calls a ping-pong or a burst message
 *   makes (payload out and in, chunk coding, ML-KEM at the ends of moves, the epoch check and
 *   the two chain-key mixes of a new chain), without the Double Ratchet around them. Timed in
 *   alternation with the full workloads, their rates give the cost per message of the
 *   post-quantum part and its share of a message.
 * - `conversationFigures`: bytes the post-quantum part adds to messages over a 1,000-message
 *   conversation with realistic alternation, and messages until an epoch completes.
 */
import {
  acceptChainEpoch, applyPayload, chainEpochKey, initialPqState, mixChainKey, outgoingPayload, payloadLength,
  readPayload, sendingEpochOf, writePayload, type PqState
} from '../../src/crypto/pq-ratchet/index.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'
import { paddedLength } from '../../src/crypto/ratchet/padding.js'
import { sessionEncrypt, sessionDecrypt, type SessionRecord } from '../../src/crypto/session/index.js'
import { BenchmarkCheckError, median, type Prepare } from '../harness.js'
import { benchmarkPlaintext, sessionPair, type Party } from './parties.js'

interface PqSide { pq: PqState, sendingEpoch: number }

/** One message's post-quantum work from `from` to `to`; `newChain` when it turns the ratchet. */
function pqMessage (provider: CryptoProvider, from: PqSide, to: PqSide, newChain: boolean, chainKey: Uint8Array): void {
  const out = outgoingPayload(provider, from.pq)
  from.pq = out.pq
  const bytes = new Uint8Array(payloadLength(out.payload))
  writePayload(out.payload, bytes)
  const { payload } = readPayload(bytes)
  if (newChain) {
    const receivingKey = chainEpochKey(to.pq, from.sendingEpoch)
    if (receivingKey === null) throw new BenchmarkCheckError('pq replay: unacceptable epoch')
    mixChainKey(provider, receivingKey, from.sendingEpoch, chainKey)
    to.pq = acceptChainEpoch(to.pq, from.sendingEpoch)
    to.sendingEpoch = sendingEpochOf(to.pq)
    const sendingKey = chainEpochKey(to.pq, to.sendingEpoch)
    if (sendingKey === null) throw new BenchmarkCheckError('pq replay: no sending key')
    mixChainKey(provider, sendingKey, to.sendingEpoch, chainKey)
  }
  to.pq = applyPayload(provider, to.pq, payload)
}

function pqPair (provider: CryptoProvider): { alice: PqSide, bob: PqSide, chainKey: Uint8Array } {
  const sessionKey = provider.randomBytes(32)
  return {
    alice: { pq: initialPqState(provider, sessionKey, true), sendingEpoch: 0 },
    bob: { pq: initialPqState(provider, sessionKey, false), sendingEpoch: 0 },
    chainKey: provider.randomBytes(32)
  }
}

/** The post-quantum work of the ping-pong workload: every message starts a new chain. */
export function pqPingPong (provider: CryptoProvider): Prepare {
  const { alice, bob, chainKey } = pqPair(provider)
  let aliceSends = true
  return (n) => () => {
    for (let i = 0; i < n; i++) {
      if (aliceSends) pqMessage(provider, alice, bob, true, chainKey)
      else pqMessage(provider, bob, alice, true, chainKey)
      aliceSends = !aliceSends
    }
  }
}

/** The post-quantum work of the burst workload: one message each way, then Alice alone. */
export function pqBurst (provider: CryptoProvider): Prepare {
  const { alice, bob, chainKey } = pqPair(provider)
  pqMessage(provider, alice, bob, true, chainKey)
  pqMessage(provider, bob, alice, true, chainKey)
  return (n) => () => {
    for (let i = 0; i < n; i++) pqMessage(provider, alice, bob, false, chainKey)
  }
}

export interface ConversationFigures {
  /** Bytes of post-quantum data in a message (the header's 4-byte epoch + the 1- or 39-byte payload). */
  bytesMean: number
  bytesMax: number
  /** Growth of the message on the wire against the Double Ratchet alone for the same plaintext (padding included). */
  wireBytesMean: number
  wireBytesMax: number
  messages: number
  /** Messages (both directions) between completed epochs, median over the epochs completed. */
  messagesPerEpochPingPong: number
  messagesPerEpochBursts: number
  /** Epochs completed by 1,000 messages all from one side. */
  epochsInOneSidedBurst: number
}

/** A deterministic 32-bit LCG, so the conversation is the same in every run. */
function lcg (seed: number): () => number {
  let x = seed >>> 0
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    return x
  }
}

function agreedEpoch (a: Party, b: Party): number {
  const epoch = (p: Party): number => (p.record as SessionRecord).current.ratchet.pq.epoch
  return Math.min(epoch(a), epoch(b))
}

/** Send one message and return the post-quantum bytes it carried and its wire growth. */
function measuredSend (provider: CryptoProvider, from: Party, to: Party, plaintext: Uint8Array): { bytes: number, wire: number } {
  const before = (from.record as SessionRecord).current.ratchet.pq
  const chunk = before.phase === 'sending-ek' || before.phase === 'sending-ct'
  const sent = sessionEncrypt(provider, from.record, plaintext)
  from.record = sent.record
  to.record = sessionDecrypt(provider, to.record, sent.message, to.context).record
  const payload = chunk ? 39 : 1
  // Double Ratchet alone: version(1) + encrypted header(80) + pad(plaintext) + tag(16).
  const wire = sent.message.bytes.length - (1 + 80 + paddedLength(plaintext.length) + 16)
  const expected = 4 + paddedLength(plaintext.length + payload) - paddedLength(plaintext.length)
  if (sent.message.kind === 'ratchet' && wire !== expected) throw new BenchmarkCheckError(`unexpected message size: ${wire} != ${expected}`)
  return { bytes: 4 + payload, wire }
}

/** Messages between completed epochs for a schedule of turn lengths, until `epochs` complete. */
function messagesPerEpoch (provider: CryptoProvider, turnLength: () => number, epochs: number): number {
  const { alice, bob } = sessionPair(provider)
  const plaintext = benchmarkPlaintext()
  const gaps: number[] = []
  let sent = 0
  let last = 0
  let epoch = agreedEpoch(alice, bob)
  for (let turn = 0; gaps.length < epochs; turn++) {
    if (sent > 100_000) throw new BenchmarkCheckError('epochs do not complete')
    const [from, to] = turn % 2 === 0 ? [alice, bob] : [bob, alice]
    for (let i = turnLength(); i > 0; i--) {
      measuredSend(provider, from, to, plaintext)
      sent++
      const now = agreedEpoch(alice, bob)
      if (now > epoch) {
        epoch = now
        gaps.push(sent - last)
        last = sent
      }
    }
  }
  // The first gap includes the session's start; the later ones are whole moves.
  return median(gaps.slice(1))
}

export function conversationFigures (provider: CryptoProvider): ConversationFigures {
  // 1,000 messages: turns of 1 to 6 messages, plaintexts of 10 to 300 bytes (a chat, with
  // receipts and short and long texts), from a fixed seed.
  const random = lcg(0x5eed)
  const { alice, bob } = sessionPair(provider)
  const bytes: number[] = []
  const wire: number[] = []
  for (let turn = 0; bytes.length < 1000; turn++) {
    const [from, to] = turn % 2 === 0 ? [alice, bob] : [bob, alice]
    const length = 1 + (random() % 6)
    for (let i = 0; i < length && bytes.length < 1000; i++) {
      const measured = measuredSend(provider, from, to, benchmarkPlaintext(10 + (random() % 291)))
      bytes.push(measured.bytes)
      wire.push(measured.wire)
    }
  }
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length

  const oneSided = sessionPair(provider)
  const plaintext = benchmarkPlaintext()
  const startEpoch = agreedEpoch(oneSided.alice, oneSided.bob)
  for (let i = 0; i < 1000; i++) measuredSend(provider, oneSided.alice, oneSided.bob, plaintext)

  return {
    bytesMean: mean(bytes),
    bytesMax: Math.max(...bytes),
    wireBytesMean: mean(wire),
    wireBytesMax: Math.max(...wire),
    messages: bytes.length,
    messagesPerEpochPingPong: messagesPerEpoch(provider, () => 1, 4),
    messagesPerEpochBursts: messagesPerEpoch(provider, () => 10, 4),
    epochsInOneSidedBurst: agreedEpoch(oneSided.alice, oneSided.bob) - startEpoch
  }
}

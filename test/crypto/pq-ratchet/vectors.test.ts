// Known-answer vectors of the Triple Ratchet's post-quantum part (docs/protocol.md part 3b
// "Vectors"): the chunk code and payload, the epoch keys (with the ML-KEM-768 exchange that
// feeds them) and the chain-key mix. Each case is recomputed with every provider and compared
// byte for byte; MURMUR_WRITE_VECTORS=1 rewrites the files from the noble provider instead.
import { createProvider } from '../../../src/crypto/providers/index.js'
import type { CryptoProvider, ProviderName } from '../../../src/crypto/provider.js'
import { kdfChain } from '../../../src/crypto/ratchet/kdf.js'
import {
  encapsulationKeyOf, encodeChunk, initialEpochKey, mixChainKey, nextEpochKey, writePayload, CHUNK_PAYLOAD_LENGTH
} from '../../../src/crypto/pq-ratchet/index.js'
import { expect } from 'vitest'
import { describeVectors, hex, unhex, type Fields, type VectorSpec } from '../vector-runner.js'

/** A provider of the same kind whose random source yields exactly `bytes`, in order. */
function scripted (name: ProviderName, bytes: Uint8Array): CryptoProvider {
  let offset = 0
  return createProvider(name, {
    randomBytes: (n) => {
      if (offset + n > bytes.length) throw new Error('scripted randomness exhausted')
      offset += n
      return bytes.slice(offset - n, offset)
    }
  })
}

const specs: VectorSpec[] = [
  {
    name: 'pq_chunks',
    file: 'pq-chunks.json',
    description: 'Chunk `index` of `data` (1184-byte encapsulation key or 1088-byte ciphertext) under the chunk code of docs/protocol.md part 3b (systematic Reed-Solomon over GF(2^16), polynomial 0x1100B), and `payload` = kind(0x01 for an encapsulation key, 0x02 for a ciphertext) || u32be(targetEpoch) || u16be(index) || chunk.',
    inputs: (random) => {
      const ek = hex(random(1184))
      const ct = hex(random(1088))
      return [
        { comment: 'a data chunk', input: { data: ek, kind: 1, targetEpoch: 1, index: 0 } },
        { comment: 'the last data chunk', input: { data: ek, kind: 1, targetEpoch: 1, index: 36 } },
        { comment: 'the first parity chunk', input: { data: ek, kind: 1, targetEpoch: 3, index: 37 } },
        { comment: 'a parity chunk', input: { data: ek, kind: 1, targetEpoch: 3, index: 1000 } },
        { comment: 'the largest index', input: { data: ek, kind: 1, targetEpoch: 0xffffffff, index: 0xffff } },
        { comment: 'ciphertext: last data chunk', input: { data: ct, kind: 2, targetEpoch: 2, index: 33 } },
        { comment: 'ciphertext: first parity chunk', input: { data: ct, kind: 2, targetEpoch: 2, index: 34 } },
        { comment: 'ciphertext: a parity chunk', input: { data: ct, kind: 2, targetEpoch: 2, index: 517 } }
      ]
    },
    compute: (_provider, input) => {
      const chunk = encodeChunk(unhex(input.data), Number(input.index))
      const payload = new Uint8Array(CHUNK_PAYLOAD_LENGTH)
      writePayload({ kind: input.kind === 1 ? 'ek' : 'ct', targetEpoch: Number(input.targetEpoch), index: Number(input.index), data: chunk }, payload)
      return { chunk: hex(chunk), payload: hex(payload) }
    }
  },
  {
    name: 'pq_epoch_keys',
    file: 'pq-epoch-keys.json',
    description: 'Epoch 0: epochKey = HKDF-SHA256(ikm = sessionKey, salt = empty, info = "murmur/v2/triple/epoch-key" || u32be(0), 32). A move to epoch e+1: the keygen side runs ML-KEM-768 KeyGen with d || z = keygenSeed, the other side Encaps(ek) with m = encapsRandomness; transcriptHash = SHA-256(ek || ct); epochKey = HKDF-SHA256(ikm = sharedSecret, salt = previous epochKey, info = "murmur/v2/triple/epoch-key" || u32be(e+1) || transcriptHash, 32). The decapsulation of ct gives the same sharedSecret.',
    inputs: (random): Array<{ comment?: string, input: Fields }> => [
      { comment: 'epoch 0 from the PQXDH session key', input: { sessionKey: hex(random(32)) } },
      { comment: 'epoch 0 from another session key', input: { sessionKey: hex(random(32)) } },
      { comment: 'the move to epoch 1', input: { previousEpochKey: hex(random(32)), nextEpoch: 1, keygenSeed: hex(random(64)), encapsRandomness: hex(random(32)) } },
      { comment: 'the move to epoch 2', input: { previousEpochKey: hex(random(32)), nextEpoch: 2, keygenSeed: hex(random(64)), encapsRandomness: hex(random(32)) } }
    ],
    compute: (provider, input): Fields => {
      if (input.sessionKey !== undefined) return { epochKey: hex(initialEpochKey(provider, unhex(input.sessionKey))) }
      const keygen = scripted(provider.name, unhex(input.keygenSeed)).mlkem768GenerateKeyPair()
      const ek = encapsulationKeyOf(keygen.privateKey)
      const { ciphertext, sharedSecret } = scripted(provider.name, unhex(input.encapsRandomness)).mlkem768Encapsulate(ek)
      expect(provider.mlkem768Decapsulate(ciphertext, keygen.privateKey)).toEqual(sharedSecret)
      const transcript = new Uint8Array([...ek, ...ciphertext])
      return {
        encapsulationKey: hex(ek),
        ciphertext: hex(ciphertext),
        sharedSecret: hex(sharedSecret),
        transcriptHash: hex(provider.sha256(transcript)),
        epochKey: hex(nextEpochKey(provider, unhex(input.previousEpochKey), Number(input.nextEpoch), sharedSecret, ek, ciphertext))
      }
    }
  },
  {
    name: 'pq_chain_mix',
    file: 'pq-chain-mix.json',
    description: 'mixedChainKey = HMAC-SHA256(key = epochKey, data = "murmur/v2/triple/chain" || u32be(epoch) || chainKey), where chainKey is the chain key of KDF_RK; then KDF_CK of the mixed key: messageKey = HMAC-SHA256(mixedChainKey, 0x01), nextChainKey = HMAC-SHA256(mixedChainKey, 0x02).',
    inputs: (random) => [
      { input: { epochKey: hex(random(32)), epoch: 0, chainKey: hex(random(32)) } },
      { input: { epochKey: hex(random(32)), epoch: 1, chainKey: hex(random(32)) } },
      { comment: 'largest epoch', input: { epochKey: hex(random(32)), epoch: 0xffffffff, chainKey: hex(random(32)) } }
    ],
    compute: (provider, input) => {
      const mixed = mixChainKey(provider, unhex(input.epochKey), Number(input.epoch), unhex(input.chainKey))
      const { messageKey, chainKey } = kdfChain(provider, mixed)
      return { mixedChainKey: hex(mixed), messageKey: hex(messageKey), nextChainKey: hex(chainKey) }
    }
  }
]

describeVectors('post-quantum known-answer vectors', 'murmur/v2/vectors/', specs)

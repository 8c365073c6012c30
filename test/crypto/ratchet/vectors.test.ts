// Known-answer vectors of the ratchet (docs/protocol.md part 3 "Vectors"). Each case is
// recomputed with every provider and compared byte for byte; MURMUR_WRITE_VECTORS=1 rewrites
// the files from the noble provider instead.
import { deriveMessageKeys, kdfChain, kdfRoot } from '../../../src/crypto/ratchet/kdf.js'
import { encodeHeader, encryptHeader } from '../../../src/crypto/ratchet/header.js'
import { padPlaintext } from '../../../src/crypto/ratchet/padding.js'
import { describeVectors, hex, unhex, type VectorSpec } from '../vector-runner.js'

const specs: VectorSpec[] = [
  {
    name: 'kdf_rk',
    file: 'kdf-rk.json',
    description: 'KDF_RK: HKDF-SHA256(ikm = dhOutput, salt = rootKey, info = UTF-8 "murmur/v1/ratchet/root", L = 96) split as rootKey(32) || chainKey(32) || nextHeaderKey(32).',
    inputs: (random) => [
      { comment: 'random keys', input: { rootKey: hex(random(32)), dhOutput: hex(random(32)) } },
      { comment: 'random keys', input: { rootKey: hex(random(32)), dhOutput: hex(random(32)) } },
      { comment: 'all-zero root key', input: { rootKey: hex(new Uint8Array(32)), dhOutput: hex(random(32)) } }
    ],
    compute: (provider, input) => {
      const out = kdfRoot(provider, unhex(input.rootKey), unhex(input.dhOutput))
      return { rootKey: hex(out.rootKey), chainKey: hex(out.chainKey), nextHeaderKey: hex(out.nextHeaderKey) }
    }
  },
  {
    name: 'kdf_ck',
    file: 'kdf-ck.json',
    description: 'KDF_CK: messageKey = HMAC-SHA256(chainKey, 0x01); chainKey (next) = HMAC-SHA256(chainKey, 0x02).',
    inputs: (random) => [
      { input: { chainKey: hex(random(32)) } },
      { input: { chainKey: hex(random(32)) } },
      { comment: 'all-zero chain key', input: { chainKey: hex(new Uint8Array(32)) } }
    ],
    compute: (provider, input) => {
      const out = kdfChain(provider, unhex(input.chainKey))
      return { messageKey: hex(out.messageKey), chainKey: hex(out.chainKey) }
    }
  },
  {
    name: 'message_encryption',
    file: 'message-encryption.json',
    description: 'bodyKey(32) || bodyNonce(12) = HKDF-SHA256(ikm = messageKey, salt = headerNonce, info = UTF-8 "murmur/v1/ratchet/message", L = 44); ciphertext = ChaCha20-Poly1305(bodyKey, bodyNonce, pad(plaintext), ad) with ciphertext || tag; pad = plaintext || 0x80 || zeros to padme(max(len + 1, 256)). In a message, ad = sessionAd || 0x01 || encryptedHeader.',
    inputs: (random) => [
      { comment: 'empty plaintext', input: { messageKey: hex(random(32)), headerNonce: hex(random(24)), ad: hex(random(145)), plaintext: '' } },
      { comment: 'short text', input: { messageKey: hex(random(32)), headerNonce: hex(random(24)), ad: hex(random(145)), plaintext: hex(new TextEncoder().encode('hello, murmur')) } },
      { comment: '300 bytes: padded to 304', input: { messageKey: hex(random(32)), headerNonce: hex(random(24)), ad: hex(random(81)), plaintext: hex(random(300)) } }
    ],
    compute: (provider, input) => {
      const keys = deriveMessageKeys(provider, unhex(input.messageKey), unhex(input.headerNonce))
      const ciphertext = provider.chacha20poly1305Seal(keys.bodyKey, keys.bodyNonce, padPlaintext(unhex(input.plaintext)), unhex(input.ad))
      return { bodyKey: hex(keys.bodyKey), bodyNonce: hex(keys.bodyNonce), ciphertext: hex(ciphertext) }
    }
  },
  {
    name: 'header_encryption',
    file: 'header-encryption.json',
    description: 'header = ratchetPublicKey(32) || u32be(previousChainLength) || u32be(messageNumber) || u32be(epoch); encryptedHeader = headerNonce(24) || XChaCha20-Poly1305(headerKey, headerNonce, header, ad = session AD) with ciphertext || tag (84 bytes in all).',
    inputs: (random) => [
      { input: { headerKey: hex(random(32)), headerNonce: hex(random(24)), ratchetPublicKey: hex(random(32)), previousChainLength: 0, messageNumber: 0, epoch: 0, ad: hex(random(64)) } },
      { input: { headerKey: hex(random(32)), headerNonce: hex(random(24)), ratchetPublicKey: hex(random(32)), previousChainLength: 17, messageNumber: 1000, epoch: 3, ad: hex(random(64)) } },
      { comment: 'largest numbers, empty AD', input: { headerKey: hex(random(32)), headerNonce: hex(random(24)), ratchetPublicKey: hex(random(32)), previousChainLength: 0xffffffff, messageNumber: 0xfffffffe, epoch: 0xffffffff, ad: '' } }
    ],
    compute: (provider, input) => {
      const header = { ratchetPublicKey: unhex(input.ratchetPublicKey), previousChainLength: Number(input.previousChainLength), messageNumber: Number(input.messageNumber), epoch: Number(input.epoch) }
      return {
        header: hex(encodeHeader(header)),
        encryptedHeader: hex(encryptHeader(provider, unhex(input.headerKey), unhex(input.headerNonce), header, unhex(input.ad)))
      }
    }
  }
]

describeVectors('ratchet known-answer vectors', 'murmur/v1/vectors/', specs)

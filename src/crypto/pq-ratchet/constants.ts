/**
 * Constants of murmur's sparse post-quantum ratchet, the ML-KEM half of the Triple Ratchet
 * (docs/protocol.md part 3b). Changing any of them breaks interoperability and the
 * known-answer vectors in test/vectors/.
 */
import { MLKEM768_CIPHERTEXT_LENGTH, MLKEM768_PUBLIC_KEY_LENGTH, MLKEM768_SECRET_KEY_LENGTH } from '../provider.js'

const utf8 = new TextEncoder()

/** Bytes of data in one chunk: 16 symbols of GF(2^16). */
export const CHUNK_LENGTH = 32
/** Chunk indices are u16 on the wire; a sender's counter wraps to 0 after 65535. */
export const MAX_CHUNK_INDEX = 0xffff

/** Data chunks of an encapsulation key: 1184 / 32. */
export const EK_CHUNKS = MLKEM768_PUBLIC_KEY_LENGTH / CHUNK_LENGTH
/** Data chunks of a ciphertext: 1088 / 32. */
export const CT_CHUNKS = MLKEM768_CIPHERTEXT_LENGTH / CHUNK_LENGTH
export const DK_LENGTH = MLKEM768_SECRET_KEY_LENGTH
/** FIPS 203 §7.1: dk = dk_PKE (1152) || ek (1184) || H(ek) (32) || z (32). */
export const EK_OFFSET_IN_DK = 1152

/** First byte of the body payload (docs §"Payload"). */
export const PAYLOAD_NONE = 0x00
export const PAYLOAD_EK_CHUNK = 0x01
export const PAYLOAD_CT_CHUNK = 0x02
/** kind(1) || u32be(targetEpoch) || u16be(index) || chunk(32). */
export const CHUNK_PAYLOAD_LENGTH = 1 + 4 + 2 + CHUNK_LENGTH

/** HKDF info prefix of every epoch key: UTF-8 "murmur/v2/triple/epoch-key" (26 bytes). */
export const EPOCH_KEY_INFO = utf8.encode('murmur/v2/triple/epoch-key')
/** HMAC data prefix of the chain-key mix: UTF-8 "murmur/v2/triple/chain" (22 bytes). */
export const CHAIN_MIX_LABEL = utf8.encode('murmur/v2/triple/chain')

/** Largest epoch number (u32 in headers and payloads). */
export const MAX_EPOCH = 0xffffffff

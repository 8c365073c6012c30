/**
 * noise with each encrypted message sent in ONE socket write and its reader told "not enough
 * bytes yet" without a new Error (docs/network.md, "Assembly": Encryption). On the wire nothing
 * changes: a noise transport message is still a 2-byte big-endian length and the ciphertext
 * (noise spec section 13, as libp2p's noise spec frames it).
 *
 * @chainsafe/libp2p-noise 17 builds each message as a list of two buffers, the length and the
 * ciphertext, and @libp2p/tcp writes a list one buffer at a time: two write syscalls and two
 * TCP segments per message (4 per request/answer round trip, counted on loopback), and the
 * reader may wake once per segment. Here the two buffers are joined before they leave.
 *
 * Its reader (@libp2p/utils' LengthPrefixedDecoder) learns that a buffer holds no whole length
 * prefix from a RangeError thrown by the length decoder, which happens once per chunk read
 * (after the last whole message): a new RangeError captures a stack, ~30 us deep in the event
 * dispatch that delivers socket data, the single largest JS cost in a relay's deposit profile.
 * Even a RangeError made once costs its throw and catch (~3 us a chunk, 2.6% of a dm round
 * trip's CPU). Here the decoder answers a buffer of fewer than 2 bytes with the largest length
 * the reader accepts: the reader then waits for more bytes, as it does for any message not yet
 * whole, and nothing is thrown.
 *
 * Like src/net/yamux-window.ts this reaches into the library's message stream; a noise version
 * whose stream does not have the shape expected is left as it is.
 */
import { noise, type NoiseInit } from '@chainsafe/libp2p-noise'
import type { ConnectionEncrypter, SecuredConnection } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'

type NoiseFactory = ReturnType<typeof noise>
type Components = Parameters<NoiseFactory>[0]

interface NoiseMessageStream {
  encrypt?: (chunk: Uint8Array | Uint8ArrayList) => Uint8ArrayList
  decoder?: { lengthDecoder?: (data: Uint8Array | Uint8ArrayList) => number, maxDataLength?: number }
}

/**
 * noise's uint16BE length decoder for a reader that accepts messages of up to `maxDataLength`
 * bytes: with fewer than 2 bytes buffered it answers `maxDataLength`, a message the buffer
 * cannot hold yet, so the reader waits for more bytes without an exception.
 */
export function noiseLength (maxDataLength: number): (data: Uint8Array | Uint8ArrayList) => number {
  return (data) => {
    if (data.byteLength < 2) return maxDataLength
    return data instanceof Uint8Array ? (data[0] << 8) | data[1] : data.getUint16(0)
  }
}

/** `noise(init)`, each message in one write and its reader throwing nothing per read. */
export function singleWriteNoise (init?: NoiseInit): NoiseFactory {
  const make = noise(init)
  return (components: Components) => {
    const encrypter = make(components)
    const inbound = encrypter.secureInbound.bind(encrypter)
    const outbound = encrypter.secureOutbound.bind(encrypter)
    encrypter.secureInbound = async (connection, options) => leanFraming(await inbound(connection, options))
    encrypter.secureOutbound = async (connection, options) => leanFraming(await outbound(connection, options))
    return encrypter as ReturnType<NoiseFactory> & ConnectionEncrypter
  }
}

/** Joins each encrypted message into one buffer and swaps in noiseLength, where the shape allows. */
export function leanFraming<E> (secured: SecuredConnection<E>): SecuredConnection<E> {
  const stream = secured.connection as unknown as NoiseMessageStream
  const encrypt = stream.encrypt
  if (typeof encrypt === 'function') {
    // subarray() joins the list's buffers (one copy of a message) and returns a lone buffer as is.
    stream.encrypt = (chunk) => new Uint8ArrayList(encrypt.call(stream, chunk).subarray())
  }
  const decoder = stream.decoder
  if (typeof decoder?.lengthDecoder === 'function' && typeof decoder.maxDataLength === 'number') decoder.lengthDecoder = noiseLength(decoder.maxDataLength)
  return secured
}

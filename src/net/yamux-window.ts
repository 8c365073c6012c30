/**
 * yamux with window updates sent in bulk, as go-yamux sends them (docs/network.md, "Stream
 * muxing"). @chainsafe/libp2p-yamux 8 answers EVERY data frame it receives with a window-update
 * frame (YamuxStream.handleData calls sendWindowUpdate, which sends whenever any of the window
 * was used): for a request/response protocol that is one more noise frame and one more socket
 * write on each side per message, and one more frame for the other side to read, decrypt and
 * decode. The yamux spec (hashicorp/yamux spec.md, "Flow Control") lets a receiver send its
 * update whenever it likes; go-yamux waits until half the window has been used.
 *
 * This wraps each muxer's frame sender: a window update without flags is held as credit owed
 * to its stream and sent once the credit reaches half of yamux's initial window (256 KiB), so
 * the remote never has less than half a window to send into and never stalls. Updates that
 * carry flags (SYN, ACK, FIN, RST) go out at once. On the wire nothing changes but how often
 * updates come: every yamux peer accepts it.
 */
import { yamux, type YamuxMuxerInit } from '@chainsafe/libp2p-yamux'
import type { StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'

/** yamux's initial stream window (INITIAL_STREAM_WINDOW in @chainsafe/libp2p-yamux). */
const INITIAL_STREAM_WINDOW = 256 * 1024
/** Credit owed to a stream that is sent at once: half the smallest window a stream has. */
export const WINDOW_UPDATE_THRESHOLD = INITIAL_STREAM_WINDOW / 2

/** yamux frame types and flags (yamux spec.md, "Framing"). */
const WINDOW_UPDATE = 1
const NO_FLAGS = 0
const RST = 8

interface FrameHeader { type: number, flag: number, streamID: number, length: number }
type SendFrame = (header: FrameHeader, data?: unknown) => boolean
interface FrameSender { sendFrame?: SendFrame, streams: Array<{ id: string }> }

/** The stream muxer of `yamux(init)`, window updates sent in bulk. */
export function bulkWindowYamux (init: YamuxMuxerInit = {}): () => StreamMuxerFactory {
  const make = yamux(init)
  return () => {
    const factory = make()
    const create = factory.createStreamMuxer.bind(factory)
    factory.createStreamMuxer = (maConn) => holdWindowUpdates(create(maConn))
    return factory
  }
}

/**
 * Holds a muxer's flagless window updates until WINDOW_UPDATE_THRESHOLD is owed to the stream.
 * A muxer without the frame sender this expects (another yamux version) is returned as it is.
 */
export function holdWindowUpdates<M extends StreamMuxer> (muxer: M): M {
  const sender = muxer as unknown as FrameSender
  const send = sender.sendFrame
  if (typeof send !== 'function') return muxer
  /** Credit owed, by stream ID. */
  const owed = new Map<number, number>()
  sender.sendFrame = (header, data) => {
    if (header.type !== WINDOW_UPDATE || header.streamID === 0) return send.call(muxer, header, data)
    const credit = header.length + (owed.get(header.streamID) ?? 0)
    if (header.flag === NO_FLAGS && credit < WINDOW_UPDATE_THRESHOLD) {
      if (!owed.has(header.streamID) && owed.size >= sender.streams.length + 16) forgetClosed(owed, sender)
      owed.set(header.streamID, credit)
      return true
    }
    owed.delete(header.streamID)
    // A reset stream reads no more; any other update (a half-close included: the remote may
    // still send) carries the credit owed.
    if ((header.flag & RST) !== 0) return send.call(muxer, header, data)
    return send.call(muxer, { ...header, length: credit }, data)
  }
  return muxer
}

/** Drops the credit of streams the muxer no longer has (the remote reset or ended them). */
function forgetClosed (owed: Map<number, number>, sender: FrameSender): void {
  const open = new Set(sender.streams.map((s) => Number(s.id)))
  for (const id of owed.keys()) if (!open.has(id)) owed.delete(id)
}

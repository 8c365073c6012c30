// Counts a stream's send() calls: how many stream writes (one yamux frame each) a writer made.
import type { Stream } from '@libp2p/interface'

/** Counts `stream`'s send() calls from now on (the real send still runs). */
export function countSends (stream: Stream): { count: () => number } {
  let sends = 0
  const send = stream.send.bind(stream)
  stream.send = (data) => {
    sends++
    return send(data)
  }
  return { count: () => sends }
}

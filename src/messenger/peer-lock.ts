/**
 * One queue per peer: every operation on a peer's session (encrypting a send, decrypting a
 * batch, resetting) runs alone, so a session record is never read by one operation while
 * another is between encrypting and committing it.
 */
export class PeerLocks {
  private readonly tails = new Map<string, Promise<unknown>>()

  async run<T> (peerId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(peerId) ?? Promise.resolve()
    const current = previous.then(fn, fn)
    const tail = current.catch(() => {})
    this.tails.set(peerId, tail)
    try {
      return await current
    } finally {
      // Forget the queue when nothing is waiting behind this operation.
      if (this.tails.get(peerId) === tail) this.tails.delete(peerId)
    }
  }
}

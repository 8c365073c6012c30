/**
 * Serving as a relay (DESIGN.md "Relays"): the peers this node trusts (`murmur trust`), for whom
 * it keeps mailboxes and forwards; and, as a forwarder, the way on to a recipient that is not
 * reachable directly: its own mailboxes (RelayDeposits.forwardToMailboxes).
 */
import type { TrustView } from '../api-types.js'
import { validatePeerId } from '../contacts.js'
import { RelayNotFoundError } from '../errors.js'
import type { RelayDeposits } from './deposits.js'
import type { RelayNode } from './shared.js'

export class RelayServing {
  private readonly node: RelayNode
  private readonly deposits: RelayDeposits

  constructor (node: RelayNode, deposits: RelayDeposits) {
    this.node = node
    this.deposits = deposits
  }

  start (): void {
    // As a forwarder: when the recipient is not reachable directly, its mailboxes.
    this.node().services.mailbox.setForwarder(async (recipient, envelopes, signal) => await this.deposits.forwardToMailboxes(recipient.toString(), envelopes, signal))
  }

  stop (): void {
    this.node().services.mailbox.setForwarder(undefined)
  }

  async trustAdd (peerId: string): Promise<TrustView> {
    validatePeerId(peerId)
    await this.node().services.mailbox.trust.add(peerId)
    return this.trustList().find(t => t.peerId === peerId) ?? { peerId, addedAt: Date.now() }
  }

  trustList (): TrustView[] {
    return this.node().services.mailbox.trust.list()
  }

  async trustRemove (peerId: string): Promise<TrustView> {
    validatePeerId(peerId)
    const found = this.trustList().find(t => t.peerId === peerId)
    if (found == null) throw new RelayNotFoundError(`${peerId} is not trusted`)
    await this.node().services.mailbox.trust.remove(peerId)
    return found
  }

  relaying (): { trusted: number, mailboxes: number, forwardQueued: number } {
    const stats = this.node().services.mailbox.stats()
    return { trusted: this.trustList().length, mailboxes: stats.mailboxes, forwardQueued: stats.forwardQueued }
  }
}

/**
 * Who may use this node as a circuit relay, and within what limits (DESIGN.md "Reachability";
 * docs/network.md "Serving as a relay"). Applied through libp2p's connection gater, which the
 * relay server asks before every reservation and every relayed connection.
 *
 * - The owner may turn the service off (`--no-relay-service`): then nobody gets a reservation.
 * - A node serves reservations only while it is publicly reachable (AutoNAT confirmed a public
 *   address): a relay nobody can dial is no use, and saying no lets the peer try another one.
 *   The peers its owner trusts (`murmur trust add`) are served whenever they ask.
 * - Strangers get libp2p's default limits (128 KiB and 2 minutes per relayed connection:
 *   enough to punch a hole, fetch a bundle and exchange a few messages) and cannot take the
 *   last `trustedReservations` slots; trusted peers get generous limits.
 */
import type { RelayServiceLimits } from './limits.js'
import type { ConnectionGater, PeerId } from '@libp2p/interface'

export interface RelayPolicyInit {
  limits: RelayServiceLimits
  /** Serve reservations at all (`murmur start --no-relay-service` turns it off, even for trusted peers). */
  serve: boolean
  /** Whether the owner trusts this peer (the same list as mailboxes). */
  isTrusted: (peerId: string) => boolean
  /** Whether this node is publicly reachable now. */
  isPublic: () => boolean
  /** The relay server's reservations (libp2p's CircuitRelayService.reservations), once it runs. */
  reservations: () => RelayReservations | undefined
}

/** The part of a relay reservation the policy sets: the limit applied to its next connection. */
export interface RelayReservationLimit {
  limit?: { duration?: number, data?: bigint }
}

export interface RelayReservations {
  size: number
  get(peer: PeerId): RelayReservationLimit | undefined
  has(peer: PeerId): boolean
}

/** The connection-gater methods that carry the policy. */
export function relayGater (init: RelayPolicyInit): Pick<ConnectionGater, 'denyInboundRelayReservation' | 'denyOutboundRelayedConnection'> {
  const { limits } = init
  return {
    denyInboundRelayReservation: async (peer: PeerId): Promise<boolean> => {
      if (!init.serve) return true
      if (init.isTrusted(peer.toString())) return false
      if (!init.isPublic()) return true
      const reservations = init.reservations()
      if (reservations == null) return true
      // A refresh of a reservation the peer already holds takes no new slot.
      if (reservations.has(peer)) return false
      return reservations.size >= limits.maxReservations - limits.trustedReservations
    },
    // Asked just before the relay reads the reservation's limit for a new relayed connection,
    // so setting the limit here decides the connection's caps: generous when either end is
    // trusted, libp2p's defaults otherwise. It never refuses.
    denyOutboundRelayedConnection: async (source: PeerId, destination: PeerId): Promise<boolean> => {
      const reservation = init.reservations()?.get(destination)
      if (reservation != null) {
        const trusted = init.isTrusted(destination.toString()) || init.isTrusted(source.toString())
        reservation.limit = trusted
          ? { duration: limits.trustedDurationLimitMs, data: limits.trustedDataLimitBytes }
          : { duration: limits.defaultDurationLimitMs, data: limits.defaultDataLimitBytes }
      }
      return false
    }
  }
}

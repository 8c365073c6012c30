/** The hole punching protocol id (docs/network.md "Hole punching"). */
export const HOLE_PUNCH_PROTOCOL = '/murmur/holepunch/1.0.0'
/** The largest HolePunch message read: 8 addresses of at most 64 bytes, with room to spare. */
export const MAX_HOLE_PUNCH_MESSAGE_BYTES = 1024
/** At most this many addresses are offered or dialled per attempt. */
export const MAX_HOLE_PUNCH_ADDRS = 8
/** A relayed connection is closed this long after a direct one replaced it (its streams finish). */
export const RELAYED_CLOSE_GRACE_MS = 10_000
/** Public IPs seen by peers are remembered at most this many, newest kept. */
export const MAX_OBSERVED_IPS = 4

/**
 * The messenger's side of relays (DESIGN.md "Relays", docs/relay.md), one part per concern:
 * serving as a relay for the peers we trust (serving.ts), using our own mailboxes at relays
 * (our-mailboxes.ts), and depositing through relays when the direct path fails (deposits.ts).
 */
export { RelayServing } from './serving.js'
export { OurMailboxes, type RelayRecord } from './our-mailboxes.js'
export { RelayDeposits } from './deposits.js'

/**
 * `murmur lookup <peer>`: where a peer says it can be reached, from its signed contact record in
 * the DHTs (DESIGN.md "Contact record in the DHT"; docs/network.md section 5). Read-only: it
 * neither dials the peer nor stores anything, so it answers "what would a sender find?" - the
 * question to ask when a message stays queued with "peer not found".
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { identityKeyFromPeerId, identityKeyFromPeerIdBytes, peerIdFromIdentityKey } from '../crypto/identity.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { decodeBundle, verifyBundle } from '../crypto/pqxdh/index.js'
import type { ContactRecordLookups } from '../net/contact-record-lookups.js'
import { ContactRecordNotFoundError } from '../net/errors.js'
import type { LookupBundleView, LookupView } from './api-types.js'

/**
 * The prekey bundle a record carries, as a sender that falls back to it would find it: the ids
 * of its signed and last-resort prekeys when it verifies under the peer's identity key (PQXDH,
 * "Sending the initial message": the checks a session start makes), else why not. A session
 * that will not start from the record is then told apart from a record that is not found.
 */
export function bundleView (provider: CryptoProvider, peerId: string, bytes: Uint8Array): LookupBundleView {
  try {
    const bundle = decodeBundle(bytes)
    verifyBundle(provider, bundle, identityKeyFromPeerId(peerId))
    return { valid: true, signedPreKeyId: bundle.signedPreKey.id, lastResortPreKeyId: bundle.lastResortKemPreKey.id }
  } catch (err) {
    if ((err as Error).name !== 'InvalidBundleError') throw err
    return { valid: false, error: (err as Error).message }
  }
}

/**
 * Resolves `peerId`'s contact record (both DHTs and this node's own copy; the highest valid
 * sequence wins) within `timeoutMs`. ContactRecordNotFoundError when none turns up.
 */
export async function lookupContactRecord (lookups: ContactRecordLookups, provider: CryptoProvider, peerId: string, options: { signal?: AbortSignal, timeoutMs: number }): Promise<Omit<LookupView, 'contact'>> {
  const started = performance.now()
  // Fresh: it asks the DHTs now, not for a record found a moment ago (it joins a look-up in flight).
  // Without a caller's signal the look-up's own budget (timeoutMs) bounds it. A timer of the
  // same length here would fire first and end it with a bare TimeoutError instead of
  // ContactRecordNotFoundError.
  const { record } = await lookups.resolve(peerIdFromString(peerId), {
    signal: options.signal ?? new AbortController().signal,
    timeoutMs: options.timeoutMs,
    fresh: true
  }).catch((err: Error) => {
    if (err.name !== 'ContactRecordNotFoundError') throw err
    throw new ContactRecordNotFoundError(`no contact record of ${peerId} in the DHTs within ${Math.round(options.timeoutMs / 1000)} s: it has not published one yet, or no node that holds it answered`)
  })
  const ms = performance.now() - started
  return {
    peerId,
    sequence: record.sequence.toString(),
    createdAt: Number(record.createdAt),
    addresses: record.addresses.map(a => multiaddr(a).toString()),
    mailboxes: record.mailboxes.map(m => ({
      peerId: peerIdFromIdentityKey(identityKeyFromPeerIdBytes(m.relayPeerId)),
      addresses: m.addresses.map(a => multiaddr(a).toString())
    })),
    bundle: bundleView(provider, peerId, record.bundle),
    ms: Math.round(ms * 10) / 10
  }
}

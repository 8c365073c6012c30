/**
 * Start a session from a prekey bundle (PQXDH spec §3.3, then Double Ratchet spec §4
 * RatchetInitAliceHE). The new session becomes current; the old current is archived.
 */
import type { Identity } from '../identity.js'
import { pqxdhInitiate } from '../pqxdh/initiator.js'
import type { PreKeyBundle } from '../pqxdh/bundle.js'
import type { CryptoProvider } from '../provider.js'
import { initializeInitiator } from '../ratchet/index.js'
import { bytesEqual } from '../pqxdh/bytes.js'
import { RemoteIdentityMismatchError } from './errors.js'
import { withNewCurrent } from './record.js'
import type { PendingPreKey, Session, SessionRecord } from './types.js'

export interface InitiateSessionOptions {
  now?: number
}

export function initiateSession (provider: CryptoProvider, record: SessionRecord | undefined, identity: Identity, bundle: PreKeyBundle, options: InitiateSessionOptions = {}): SessionRecord {
  // A record belongs to one remote identity; verifyBundle (in pqxdhInitiate) then checks
  // that this identity signed the bundle.
  const expectedIdentityKey = record?.current.remoteIdentityKey
  if (expectedIdentityKey != null && bundle.identityKey != null && !bytesEqual(expectedIdentityKey, bundle.identityKey)) {
    throw new RemoteIdentityMismatchError()
  }
  const agreed = pqxdhInitiate(provider, identity, bundle)
  const ratchet = initializeInitiator(provider, {
    rootKey: agreed.rootKey,
    sendingHeaderKey: agreed.initiatorHeaderKey,
    receivingNextHeaderKey: agreed.responderNextHeaderKey,
    remoteRatchetKey: agreed.remoteRatchetKey,
    ad: agreed.ad
  })
  const { header } = agreed
  const pendingPreKey: PendingPreKey = {
    signedPreKeyId: header.signedPreKeyId,
    kemPreKeyId: header.kemPreKeyId,
    kemPreKeyKind: header.kemPreKeyKind,
    kemCiphertext: header.kemCiphertext
  }
  if (header.oneTimePreKeyId != null) pendingPreKey.oneTimePreKeyId = header.oneTimePreKeyId
  const session: Session = {
    ratchet,
    localIdentityKey: header.identityKey,
    remoteIdentityKey: header.recipientIdentityKey,
    baseKey: header.baseKey,
    role: 'initiator',
    createdAt: options.now ?? Date.now(),
    pendingPreKey
  }
  return withNewCurrent(record, session)
}

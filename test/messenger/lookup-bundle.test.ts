// The prekey bundle `murmur lookup` reports from a contact record (src/messenger/lookup.ts,
// bundleView): its prekey ids when it verifies under the peer's identity key, else why not.
// A real node's bundle (its PrekeyManager, as the record publisher takes it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeBundle, encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { bundleView } from '../../src/messenger/lookup.js'
import { party, type Party } from './parties.js'

describe('the bundle in a contact record, as lookup shows it', () => {
  const provider = defaultProvider()
  let bob: Party
  let carol: Party
  beforeAll(async () => { [bob, carol] = await Promise.all([party(), party()]) })
  afterAll(async () => { await Promise.all([bob.store.close(), carol.store.close()]) })

  it('names the signed and last-resort prekeys of a bundle that verifies', async () => {
    const bundle = await bob.prekeys.publicBundle()
    expect(bundleView(provider, bob.ctx.peerId, encodeBundle(bundle))).toEqual({
      valid: true, signedPreKeyId: bundle.signedPreKey.id, lastResortPreKeyId: bundle.lastResortKemPreKey.id
    })
  })

  it('says why one does not: another peer\'s, a signature that does not verify, bytes that are no bundle', async () => {
    const bytes = encodeBundle(await bob.prekeys.publicBundle())
    expect(bundleView(provider, carol.ctx.peerId, bytes)).toEqual({ valid: false, error: expect.stringContaining('identity-mismatch') })
    const bundle = decodeBundle(bytes)
    const signature = Uint8Array.from(bundle.signedPreKey.signature)
    signature[0] ^= 1
    const forged = encodeBundle({ ...bundle, signedPreKey: { ...bundle.signedPreKey, signature } })
    expect(bundleView(provider, bob.ctx.peerId, forged)).toEqual({ valid: false, error: expect.stringMatching(/^Invalid prekey bundle/) })
    expect(bundleView(provider, bob.ctx.peerId, Uint8Array.of(1, 2, 3))).toEqual({ valid: false, error: expect.stringContaining('malformed') })
  })
})

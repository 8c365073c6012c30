/** Every fuzz target, in the order `npm run fuzz` runs them (issue 11's list of decoders). */
import type { FuzzTarget } from '../engine.js'
import { bundleTarget, contactRecordTarget, prekeyMessageTarget, ratchetMessageTarget } from './crypto.js'
import { configTarget, rpcTarget, sseTarget, storedRecordTarget } from './local.js'
import { contentTarget, dmFrameTarget, envelopeTarget, mailboxRequestTarget, mailboxResponseTarget } from './wire.js'

export const TARGETS: ReadonlyArray<FuzzTarget<any>> = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  dmFrameTarget, envelopeTarget, prekeyMessageTarget, ratchetMessageTarget, bundleTarget, contactRecordTarget,
  mailboxRequestTarget, mailboxResponseTarget, contentTarget, rpcTarget, sseTarget, configTarget, storedRecordTarget
]

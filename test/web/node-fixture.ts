/**
 * The set-up of the web tests that need one node and no peer: an in-process node
 * (test/api/helpers.ts) with a contact per name, each a new peer ID that no node answers, and
 * Chromium, started together in the calling describe's beforeAll and stopped in its afterAll.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, expect } from 'vitest'
import { rpc, startTestNode, type TestNode } from '../api/helpers.js'
import { launchBrowser, type TestBrowser } from './browser.js'

export interface NodeFixture {
  node: TestNode
  browser: TestBrowser
  /** The contacts' peer IDs, in the order of the names. */
  peers: string[]
}

/** `greet`: one message sent to each contact, so each has a conversation in the list. */
export function withNodeAndBrowser (names: string[], options: { greet?: boolean } = {}): NodeFixture {
  const fixture = { peers: [] as string[] } as NodeFixture
  beforeAll(async () => {
    const launching = launchBrowser()
    try {
      fixture.node = await startTestNode()
      for (const name of names) {
        const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
        fixture.peers.push(peerId)
        expect((await rpc(fixture.node, 'contacts.add', { name, peerId })).body.error).toBeUndefined()
        if (options.greet === true) expect((await rpc(fixture.node, 'send', { to: name, text: `hello ${name}` })).body.error).toBeUndefined()
      }
    } finally {
      fixture.browser = await launching
    }
  })
  afterAll(async () => {
    await fixture.browser?.close()
    await fixture.node?.cleanup()
  })
  return fixture
}

// Encryption at rest, end to end with the real CLI as processes: after alice and bob exchange
// a message, no file of either home (LevelDB logs and tables, the libp2p datastore, the key
// file) holds the text, a contact name, bob's peer ID in a readable form or alice's private
// key; a home made without a passphrase, scanned the same way, shows all of them (so the scan
// sees what is there). Then a wrong passphrase, a passphrase change, and the terminal prompt.
// Key files record the scrypt N of $MURMUR_SCRYPT_N (2^14 in the suite, vitest.config.ts), and
// the default where the variable is empty (bob's first).
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExitCode } from '../../src/errors/exit-codes.js'
import { identityFromSeed } from '../../src/crypto/identity.js'
import { unlockIdentityFile } from '../../src/messenger/identity-file.js'
import { passphraseBytes } from '../../src/store/at-rest/kdf.js'
import { filesContaining, homeSnapshot } from '../store/v1-fixture.js'
import { runCli, tempHome } from './cli-helpers.js'
import { initNode, killAll, startNode, type RunningNode } from './daemon-helpers.js'

const MARKER = `at-rest marker ${Math.random().toString(36).slice(2)}`
const NAMES = { aliceCallsBob: 'Bob Atrest Contact', bobCallsAlice: 'Alice Atrest Contact', carolCallsBob: 'Bob As Carol Knows Him' }
const ALICE_PASSPHRASE = 'correct horse battery staple for alice'
const BOB_PASSPHRASE = 'bob uses the environment'

/** The readable forms of a peer ID: base58btc text, and the CID in base32 that libp2p's peer store keys use. */
function peerIdForms (peerId: string): string[] {
  return [peerId, peerIdFromString(peerId).toCID().toString()]
}

/** The scrypt N a home's key file records. */
async function scryptN (home: string): Promise<number> {
  return JSON.parse(await readFile(join(home, 'identity.key'), 'utf8')).kdf.N
}

async function send (from: RunningNode, to: string, text: string): Promise<void> {
  const sent = await runCli(['send', to, text, '--wait', '--timeout', '30', '--home', from.home, '--json'])
  expect(sent.code, sent.stderr).toBe(0)
  expect(JSON.parse(sent.stdout).state).toBe('delivered')
}

describe('encryption at rest (real CLI processes)', () => {
  const cleanups: Array<() => Promise<void>> = []
  let alicePassFile: string
  let homes: { alice: string, bob: string, carol: string }
  let peers: { alice: string, bob: string, carol: string }

  beforeAll(async () => {
    const files = await tempHome('murmur-pass-')
    cleanups.push(files.cleanup)
    alicePassFile = join(files.home + '-alice.pass')
    await writeFile(alicePassFile, ALICE_PASSPHRASE + '\n', { mode: 0o600 })
    const b = await tempHome()
    const [a, bInit, c] = await Promise.all([
      initNode('alice', { passphraseFile: alicePassFile }),
      runCli(['init', '--home', b.home, '--name', 'bob', '--json'], { env: { MURMUR_PASSPHRASE: BOB_PASSPHRASE, MURMUR_SCRYPT_N: '' } }),
      initNode('carol')
    ])
    expect(bInit.code, bInit.stderr).toBe(0)
    cleanups.push(a.cleanup, b.cleanup, c.cleanup)
    homes = { alice: a.home, bob: b.home, carol: c.home }
    peers = { alice: a.peerId, bob: JSON.parse(bInit.stdout).peerId, carol: c.peerId }
  })

  afterAll(async () => {
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('no file under either home holds the text, a contact name, bob\'s peer ID or alice\'s private key', async () => {
    expect(await scryptN(homes.alice)).toBe(2 ** 14)
    expect(await scryptN(homes.bob)).toBe(2 ** 17)
    const alice = await startNode(homes.alice, ['--passphrase-file', alicePassFile])
    const [bob, carol] = await Promise.all([
      startNode(homes.bob, ['--bootstrap', alice.addresses[0]], { env: { MURMUR_PASSPHRASE: BOB_PASSPHRASE } }),
      startNode(homes.carol, ['--bootstrap', alice.addresses[0]])
    ])
    try {
      for (const [node, name, peer] of [[alice, NAMES.aliceCallsBob, bob.peerId], [bob, NAMES.bobCallsAlice, alice.peerId], [carol, NAMES.carolCallsBob, bob.peerId]] as const) {
        const added = await runCli(['contacts', 'add', name, peer, '--home', node.home])
        expect(added.code, added.stderr).toBe(0)
      }
      await send(alice, NAMES.aliceCallsBob, MARKER)
      await send(bob, NAMES.bobCallsAlice, `${MARKER} reply`)
      await send(bob, peers.carol, `${MARKER} to carol`)
      const status = JSON.parse((await runCli(['status', '--home', alice.home, '--json'])).stdout)
      expect(status.storeEncrypted).toBe(true)
      const carolStatus = await runCli(['status', '--home', carol.home])
      expect(carolStatus.stdout).toMatch(/store\s+NOT encrypted/)
    } finally {
      expect(await Promise.all([alice.stop(), bob.stop(), carol.stop()])).toEqual([0, 0, 0])
    }

    const aliceSeed = (await unlockIdentityFile(homes.alice, passphraseBytes(ALICE_PASSPHRASE))).identity.seed
    expect(identityFromSeed(aliceSeed).publicKey.length).toBe(32)
    const secrets = [MARKER, ...Object.values(NAMES), ...peerIdForms(peers.bob), aliceSeed]
    expect(await filesContaining(homes.alice, secrets)).toEqual([])
    expect(await filesContaining(homes.bob, secrets)).toEqual([])
    // The same scan over carol's home (made with --no-passphrase) finds what is there.
    const carolFound = (await filesContaining(homes.carol, [MARKER, NAMES.carolCallsBob, peers.bob])).join('\n')
    expect(carolFound).toContain(MARKER)
    expect(carolFound).toContain(NAMES.carolCallsBob)
    expect(carolFound).toContain(peers.bob)
  })

  it('a wrong or missing passphrase is exit code 8 and changes nothing', async () => {
    const before = await homeSnapshot(homes.bob)
    const wrong = await runCli(['start', '--home', homes.bob, '--json', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { env: { MURMUR_PASSPHRASE: 'not bob\'s' } })
    expect(wrong.code).toBe(ExitCode.PASSPHRASE)
    expect(JSON.parse(wrong.stderr).error.name).toBe('WrongPassphraseError')
    expect(wrong.stderr).not.toContain('not bob')
    const none = await runCli(['start', '--home', homes.bob, '--no-mdns'], { env: { MURMUR_PASSPHRASE: '' } })
    expect(none.code).toBe(ExitCode.PASSPHRASE)
    expect(none.stderr).toMatch(/--passphrase-file|MURMUR_PASSPHRASE/)
    expect(await homeSnapshot(homes.bob)).toEqual(before)
  })

  it('passphrase change: the old one stops working, the new one opens the same store', async () => {
    const changed = await runCli(['passphrase', 'change', '--home', homes.bob], { env: { MURMUR_PASSPHRASE: BOB_PASSPHRASE, MURMUR_NEW_PASSPHRASE: 'bob\'s new passphrase' } })
    expect(changed.code, changed.stderr).toBe(0)
    // The new wrapping takes fresh parameters: N from $MURMUR_SCRYPT_N now.
    expect(await scryptN(homes.bob)).toBe(2 ** 14)
    const old = await runCli(['start', '--home', homes.bob, '--no-mdns'], { env: { MURMUR_PASSPHRASE: BOB_PASSPHRASE } })
    expect(old.code).toBe(ExitCode.PASSPHRASE)
    const bob = await startNode(homes.bob, [], { env: { MURMUR_PASSPHRASE: 'bob\'s new passphrase' } })
    try {
      const history = JSON.parse((await runCli(['history', NAMES.bobCallsAlice, '--home', homes.bob, '--json'])).stdout)
      expect(history.map((m: { text: string }) => m.text)).toEqual([MARKER, `${MARKER} reply`])
    } finally {
      expect(await bob.stop()).toBe(0)
    }
    // A wrong current passphrase changes nothing.
    const before = await homeSnapshot(homes.bob)
    const refused = await runCli(['passphrase', 'change', '--home', homes.bob], { env: { MURMUR_PASSPHRASE: 'guess', MURMUR_NEW_PASSPHRASE: 'x' } })
    expect(refused.code).toBe(ExitCode.PASSPHRASE)
    expect(await homeSnapshot(homes.bob)).toEqual(before)
    // A home without a passphrase has none to change.
    const plain = await runCli(['passphrase', 'change', '--home', homes.carol], { env: { MURMUR_PASSPHRASE: 'a', MURMUR_NEW_PASSPHRASE: 'b' } })
    expect(plain.code).toBe(ExitCode.PASSPHRASE)
    expect(plain.stderr).toMatch(/no passphrase to change/)
  })

  it('on a terminal, init asks twice without echo and refuses two different answers', async () => {
    const { home, cleanup } = await tempHome()
    cleanups.push(cleanup)
    // `script` gives the command a terminal; its input is typed into it.
    const args = ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(join(import.meta.dirname, '../../dist/cli/murmur.js'))} init --home ${JSON.stringify(home)}`, '/dev/null']
    const differ = await runScript(args, ['first try', 'second try'])
    expect(differ.code).toBe(ExitCode.USAGE)
    expect(differ.output).toMatch(/differ/)
    expect(differ.output).not.toContain('first try')
    const same = await runScript(args, ['typed twice', 'typed twice'])
    expect(same.code, same.output).toBe(0)
    expect(same.output).not.toContain('typed twice')
    const unlocked = await unlockIdentityFile(home, passphraseBytes('typed twice'))
    expect(unlocked.dataKey?.length).toBe(32)
  })
})

/**
 * Runs `script` with `args` and types `answers` into its terminal, each once the prompt that
 * asks for it has appeared (a prompt is a line ending in ": ").
 */
async function runScript (args: string[], answers: string[]): Promise<{ code: number | null, output: string }> {
  const { spawn } = await import('node:child_process')
  return await new Promise((resolve, reject) => {
    const child = spawn('script', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    let answered = 0
    const onOutput = (d: Buffer): void => {
      output += d.toString()
      const prompts = output.split(': ').length - 1
      while (answered < answers.length && answered < prompts) child.stdin.write(answers[answered++] + '\r')
      if (answered === answers.length) child.stdin.end()
    }
    child.stdout.on('data', onOutput)
    child.stderr.on('data', onOutput)
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`script timed out: ${output}`)) }, 30_000)
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }) })
  })
}

// Benchmark peer: Signal's own libsignal-client (Rust, driven from Node), measured with the
// same harness and the same three workloads as murmur's crypto benchmark (bench/crypto.ts):
//   burst     one message = encrypt + decrypt, always the same direction (no DH ratchet step)
//   pingpong  one message = encrypt + decrypt, directions alternate (every message turns the ratchet)
//   establish one session = bundle verify + PQXDH on both sides + first message encrypted and decrypted;
//             the responder's prekeys are generated before timing
// Stores are in memory (plain Maps holding the library's record objects), so the numbers are the
// library's cost, not a database's.
//
// libsignal-client is AGPL-3.0: it is installed on demand into this folder for benchmarking only
// and is never a dependency of murmur. Standalone, it prints one JSON object on stdout:
// { burst, pingpong, establish, version, details } (rates in ops/s), or { error } when the library
// cannot be loaded. With --serve, dist/bench/run.js drives it run by run (see serve() below), so
// that its runs alternate with murmur's and the ratios see the same machine load.
//
// Usage: node run.mjs [--runs 5] [--target-ms 500] [--size 100] [--harness <dist/bench/harness.js>]
//        node run.mjs --serve [--size 100]   (driven over stdin/stdout by bench/crypto/libsignal.ts)
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { randomInt } from 'node:crypto'
import { createInterface } from 'node:readline'

const here = dirname(fileURLToPath(import.meta.url))

function parseArgs (argv) {
  const args = { runs: 5, targetMs: 500, size: 100, serve: false, harness: resolve(here, '../../../dist/bench/harness.js') }
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]]
    if (key === '--serve') {
      args.serve = true
      i--
    } else if (key === '--runs') args.runs = Number(value)
    else if (key === '--target-ms') args.targetMs = Number(value)
    else if (key === '--size') args.size = Number(value)
    else if (key === '--harness') args.harness = resolve(value)
    else throw new Error(`unknown argument ${key}`)
  }
  return args
}

function fail (message) {
  process.stdout.write(JSON.stringify({ error: message }) + '\n')
  process.exit(0)
}

const args = parseArgs(process.argv.slice(2))

let signal
try {
  signal = await import('@signalapp/libsignal-client')
} catch (err) {
  fail(`cannot load @signalapp/libsignal-client: ${err?.message ?? err}`)
}
let harness
try {
  harness = await import(pathToFileURL(args.harness).href)
} catch (err) {
  fail(`cannot load the benchmark harness ${args.harness} (run npm run build): ${err?.message ?? err}`)
}

const {
  IdentityKeyPair, PrivateKey, KEMKeyPair, PreKeyRecord, SignedPreKeyRecord, KyberPreKeyRecord, PreKeyBundle,
  ProtocolAddress, SignalMessage, PreKeySignalMessage, CiphertextMessageType, IdentityChange,
  SessionStore, IdentityKeyStore, PreKeyStore, SignedPreKeyStore, KyberPreKeyStore,
  processPreKeyBundle, signalEncrypt, signalDecrypt, signalDecryptPreKey
} = signal

const addressKey = (address) => `${address.name()}.${address.deviceId()}`

class MemorySessionStore extends SessionStore {
  sessions = new Map()
  async saveSession (address, record) { this.sessions.set(addressKey(address), record) }
  async getSession (address) { return this.sessions.get(addressKey(address)) ?? null }
  async getExistingSessions (addresses) {
    return addresses.map((address) => {
      const record = this.sessions.get(addressKey(address))
      if (record === undefined) throw new Error(`no session for ${addressKey(address)}`)
      return record
    })
  }
}

class MemoryIdentityKeyStore extends IdentityKeyStore {
  identities = new Map()
  constructor (identity, registrationId) {
    super()
    this.identity = identity
    this.registrationId = registrationId
  }

  async getIdentityKey () { return this.identity.privateKey }
  async getLocalRegistrationId () { return this.registrationId }
  async saveIdentity (address, key) {
    const previous = this.identities.get(addressKey(address))
    this.identities.set(addressKey(address), key)
    return previous !== undefined && !previous.equals(key) ? IdentityChange.ReplacedExisting : IdentityChange.NewOrUnchanged
  }

  // Trust on first use, as a messenger would: a known address must keep its key.
  async isTrustedIdentity (address, key) {
    const known = this.identities.get(addressKey(address))
    return known === undefined || known.equals(key)
  }

  async getIdentity (address) { return this.identities.get(addressKey(address)) ?? null }
}

class MemoryPreKeyStore extends PreKeyStore {
  records = new Map()
  async savePreKey (id, record) { this.records.set(id, record) }
  async getPreKey (id) {
    const record = this.records.get(id)
    if (record === undefined) throw new Error(`no prekey ${id}`)
    return record
  }

  async removePreKey (id) { this.records.delete(id) }
}

class MemorySignedPreKeyStore extends SignedPreKeyStore {
  records = new Map()
  async saveSignedPreKey (id, record) { this.records.set(id, record) }
  async getSignedPreKey (id) {
    const record = this.records.get(id)
    if (record === undefined) throw new Error(`no signed prekey ${id}`)
    return record
  }
}

class MemoryKyberPreKeyStore extends KyberPreKeyStore {
  records = new Map()
  lastResort = new Set()
  usedBaseKeys = new Set()
  async saveKyberPreKey (id, record) { this.records.set(id, record) }
  async getKyberPreKey (id) {
    const record = this.records.get(id)
    if (record === undefined) throw new Error(`no kyber prekey ${id}`)
    return record
  }

  // One-time Kyber prekeys are deleted; a last-resort one refuses a repeated base key.
  async markKyberPreKeyUsed (id, signedPreKeyId, baseKey) {
    if (!this.lastResort.has(id)) {
      this.records.delete(id)
      return
    }
    const key = `${id}:${signedPreKeyId}:${Buffer.from(baseKey.serialize()).toString('hex')}`
    if (this.usedBaseKeys.has(key)) throw new Error('last-resort kyber prekey reused with the same base key')
    this.usedBaseKeys.add(key)
  }
}

/** One party: identity, registration id, address and all its stores. */
function createParty (name) {
  const identity = IdentityKeyPair.generate()
  const registrationId = randomInt(1, 16380)
  return {
    name,
    identity,
    registrationId,
    address: ProtocolAddress.new(name, 1),
    sessions: new MemorySessionStore(),
    identities: new MemoryIdentityKeyStore(identity, registrationId),
    preKeys: new MemoryPreKeyStore(),
    signedPreKeys: new MemorySignedPreKeyStore(),
    kyberPreKeys: new MemoryKyberPreKeyStore(),
    nextPreKeyId: 1
  }
}

/** Bob's signed prekey, generated once (it is long-lived and rotates weekly in practice). */
async function addSignedPreKey (party) {
  const privateKey = PrivateKey.generate()
  const publicKey = privateKey.getPublicKey()
  const signature = party.identity.privateKey.sign(publicKey.serialize())
  const record = SignedPreKeyRecord.new(1, Date.now(), publicKey, privateKey, signature)
  await party.signedPreKeys.saveSignedPreKey(1, record)
  party.signedPreKey = record
}

/** A bundle with a fresh one-time EC prekey and a fresh one-time signed Kyber prekey. */
async function nextBundle (party) {
  const id = party.nextPreKeyId++
  const preKeyPrivate = PrivateKey.generate()
  const preKeyPublic = preKeyPrivate.getPublicKey()
  await party.preKeys.savePreKey(id, PreKeyRecord.new(id, preKeyPublic, preKeyPrivate))
  const kyberKeyPair = KEMKeyPair.generate()
  const kyberSignature = party.identity.privateKey.sign(kyberKeyPair.getPublicKey().serialize())
  await party.kyberPreKeys.saveKyberPreKey(id, KyberPreKeyRecord.new(id, Date.now(), kyberKeyPair, kyberSignature))
  return PreKeyBundle.new(
    party.registrationId, 1,
    id, preKeyPublic,
    party.signedPreKey.id(), party.signedPreKey.publicKey(), party.signedPreKey.signature(),
    party.identity.publicKey,
    id, kyberKeyPair.getPublicKey(), kyberSignature
  )
}

async function encrypt (from, to, plaintext) {
  return signalEncrypt(plaintext, to.address, from.address, from.sessions, from.identities)
}

/** Decrypts as `to` what `from` sent; the ciphertext travels as bytes, as it would on the wire. */
async function decrypt (from, to, ciphertext) {
  const bytes = ciphertext.serialize()
  if (ciphertext.type() === CiphertextMessageType.PreKey) {
    return signalDecryptPreKey(PreKeySignalMessage.deserialize(bytes), from.address, to.address,
      to.sessions, to.identities, to.preKeys, to.signedPreKeys, to.kyberPreKeys)
  }
  return signalDecrypt(SignalMessage.deserialize(bytes), from.address, to.address, to.sessions, to.identities)
}

function check (plaintext, expected) {
  if (plaintext.length !== expected.length || plaintext[0] !== expected[0] || plaintext[plaintext.length - 1] !== expected[expected.length - 1]) {
    throw new Error('libsignal round trip returned different plaintext')
  }
}

/** Alice and Bob with a session both ways (Bob has answered, so Alice sends plain SignalMessages). */
async function establishedPair () {
  const alice = createParty('alice')
  const bob = createParty('bob')
  await addSignedPreKey(bob)
  await processPreKeyBundle(await nextBundle(bob), bob.address, alice.address, alice.sessions, alice.identities)
  const hello = new Uint8Array(args.size).fill(1)
  check(await decrypt(alice, bob, await encrypt(alice, bob, hello)), hello)
  check(await decrypt(bob, alice, await encrypt(bob, alice, hello)), hello)
  return { alice, bob }
}

const plaintext = new Uint8Array(args.size)
for (let i = 0; i < plaintext.length; i++) plaintext[i] = (i * 7 + 3) & 0xff

// Each workload is a harness "prepare": (n) => batch of n operations (bench/harness.ts).
const workloads = {
  async burst () {
    const { alice, bob } = await establishedPair()
    return (n) => async () => {
      for (let i = 0; i < n; i++) check(await decrypt(alice, bob, await encrypt(alice, bob, plaintext)), plaintext)
    }
  },

  async pingpong () {
    const { alice, bob } = await establishedPair()
    let aliceSends = true
    return (n) => async () => {
      for (let i = 0; i < n; i++) {
        const [from, to] = aliceSends ? [alice, bob] : [bob, alice]
        check(await decrypt(from, to, await encrypt(from, to, plaintext)), plaintext)
        aliceSends = !aliceSends
      }
    }
  },

  async establish () {
    const alice = createParty('alice')
    const bob = createParty('bob')
    await addSignedPreKey(bob)
    let round = 0
    return async (n) => {
      // Fresh stores each run, so sessions do not pile up; the prekeys are made before timing.
      round++
      alice.sessions = new MemorySessionStore()
      bob.sessions = new MemorySessionStore()
      const sessions = []
      for (let i = 0; i < n; i++) {
        // Each session is a distinct pair of addresses, like n different contacts.
        sessions.push({
          bundle: await nextBundle(bob),
          bobAddress: ProtocolAddress.new(`bob-${round}-${i}`, 1),
          alice: { ...alice, address: ProtocolAddress.new(`alice-${round}-${i}`, 1) }
        })
      }
      return async () => {
        for (const { bundle, bobAddress, alice: sender } of sessions) {
          await processPreKeyBundle(bundle, bobAddress, sender.address, sender.sessions, sender.identities)
          const ciphertext = await signalEncrypt(plaintext, bobAddress, sender.address, sender.sessions, sender.identities)
          const message = PreKeySignalMessage.deserialize(ciphertext.serialize())
          check(await signalDecryptPreKey(message, sender.address, bob.address, bob.sessions, bob.identities,
            bob.preKeys, bob.signedPreKeys, bob.kyberPreKeys), plaintext)
        }
      }
    }
  }
}

function libraryVersion () {
  try {
    const pkg = join(here, 'node_modules', '@signalapp', 'libsignal-client', 'package.json')
    return JSON.parse(readFileSync(pkg, 'utf8')).version
  } catch {
    return 'unknown'
  }
}

/** Standalone: measure the three workloads one after the other and print one JSON object. */
async function standalone () {
  const options = { runs: args.runs, targetMs: args.targetMs }
  const results = {
    burst: await harness.measure(await workloads.burst(), options),
    pingpong: await harness.measure(await workloads.pingpong(), options),
    establish: await harness.measure(await workloads.establish(), { ...options, maxBatch: 2000 })
  }
  process.stdout.write(JSON.stringify({
    version: libraryVersion(),
    burst: results.burst.opsPerSec,
    pingpong: results.pingpong.opsPerSec,
    establish: results.establish.opsPerSec,
    details: results
  }) + '\n')
}

/**
 * --serve: the parent (bench/crypto/libsignal.ts) drives the workloads so that it can time them
 * in alternation with murmur's, run by run. One JSON request per stdin line, one reply per
 * stdout line, in order:
 *   { "id", "op": "hello" }                          -> { "id", "version" }
 *   { "id", "op": "prepare", "workload", "n" }       -> { "id" } (inputs for n operations made)
 *   { "id", "op": "run" }                            -> { "id" } (the prepared batch has run)
 * A failure replies { "id", "error" }. The parent times prepare-to-run replies; a reply costs
 * well under a millisecond against runs of hundreds.
 */
async function serve () {
  const prepares = {}
  let batch
  const reply = (value) => { process.stdout.write(JSON.stringify(value) + '\n') }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.trim() === '') continue
    let request
    try {
      request = JSON.parse(line)
      if (request.op === 'hello') {
        reply({ id: request.id, version: libraryVersion() })
      } else if (request.op === 'prepare') {
        if (!(request.workload in workloads)) throw new Error(`unknown workload ${request.workload}`)
        prepares[request.workload] ??= await workloads[request.workload]()
        batch = await prepares[request.workload](request.n)
        reply({ id: request.id })
      } else if (request.op === 'run') {
        if (batch === undefined) throw new Error('run before prepare')
        const current = batch
        batch = undefined
        await current()
        reply({ id: request.id })
      } else {
        throw new Error(`unknown op ${request.op}`)
      }
    } catch (err) {
      reply({ id: request?.id ?? null, error: String(err?.stack ?? err) })
    }
  }
}

try {
  if (args.serve) await serve()
  else await standalone()
} catch (err) {
  fail(`libsignal benchmark failed: ${err?.stack ?? err}`)
}

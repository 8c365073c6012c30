// The key file (identity.key version 2): the passphrase unwraps the data key, a change rewraps
// only that, and a forged file cannot make us run an unbounded KDF.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  changePassphrase, createIdentityFile, InvalidIdentityFileError, readKeyFileInfo, unlockIdentityFile
} from '../../src/messenger/identity-file.js'
import { passphraseBytes } from '../../src/store/at-rest/kdf.js'
import { PassphraseRequiredError, WrongPassphraseError } from '../../src/store/errors.js'

let dir: string
// These tests are about the KDF's parameters: they run at the defaults, whatever $MURMUR_SCRYPT_N
// the rest of the suite sets (vitest.config.ts).
beforeEach(async () => { vi.stubEnv('MURMUR_SCRYPT_N', undefined); dir = await mkdtemp(join(tmpdir(), 'murmur-keyfile-')) })
afterEach(async () => { vi.unstubAllEnvs(); await rm(dir, { recursive: true, force: true }) })

const keyFile = async (home: string): Promise<Record<string, any>> => JSON.parse(await readFile(join(home, 'identity.key'), 'utf8')) // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the key file', () => {
  it('with a passphrase: the seed is encrypted, the data key comes back only with the right passphrase, a change rewraps only the data key', async () => {
    const home = join(dir, 'a')
    const created = await createIdentityFile(home, { passphrase: passphraseBytes('first') })
    const file = await keyFile(home)
    expect(file).toMatchObject({ version: 2, encryption: 'passphrase', kdf: { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 } })
    expect(JSON.stringify(file)).not.toContain(Buffer.from(created.identity.seed).toString('base64'))
    expect(await readKeyFileInfo(home)).toMatchObject({ version: 2, encrypted: true, publicKey: created.identity.publicKey })

    const unlocked = await unlockIdentityFile(home, passphraseBytes('first'))
    expect(unlocked.identity.seed).toEqual(created.identity.seed)
    expect(unlocked.dataKey).toEqual(created.dataKey)
    await expect(unlockIdentityFile(home, passphraseBytes('second'))).rejects.toThrow(WrongPassphraseError)
    await expect(unlockIdentityFile(home, undefined)).rejects.toThrow(PassphraseRequiredError)

    await expect(changePassphrase(home, passphraseBytes('wrong'), passphraseBytes('second'))).rejects.toThrow(WrongPassphraseError)
    expect(await keyFile(home)).toEqual(file)
    await changePassphrase(home, passphraseBytes('first'), passphraseBytes('second'))
    const changed = await keyFile(home)
    expect(changed.seed).toEqual(file.seed)
    expect(changed.kdf.salt).not.toBe(file.kdf.salt)
    expect((await unlockIdentityFile(home, passphraseBytes('second'))).dataKey).toEqual(created.dataKey)
    await expect(unlockIdentityFile(home, passphraseBytes('first'))).rejects.toThrow(WrongPassphraseError)
  })

  it('refuses forged KDF parameters and altered fields without running the KDF', async () => {
    const home = join(dir, 'b')
    await createIdentityFile(home, { passphrase: passphraseBytes('p') })
    const file = await keyFile(home)
    await writeFile(join(home, 'identity.key'), JSON.stringify({ ...file, kdf: { ...file.kdf, N: 2 ** 30 } }))
    const started = Date.now()
    await expect(unlockIdentityFile(home, passphraseBytes('p'))).rejects.toThrow(InvalidIdentityFileError)
    expect(Date.now() - started).toBeLessThan(200)
    // The parameters are bound to the wrapped key: weaker ones (even valid) do not unwrap it.
    await writeFile(join(home, 'identity.key'), JSON.stringify({ ...file, kdf: { ...file.kdf, N: 2 ** 14 } }))
    await expect(unlockIdentityFile(home, passphraseBytes('p'))).rejects.toThrow(WrongPassphraseError)
  })

  it('without a passphrase, by choice: the seed in the clear, nothing to unlock; a first-murmur file still reads', async () => {
    const home = join(dir, 'c')
    const created = await createIdentityFile(home, { noPassphrase: true })
    expect(created.dataKey).toBeUndefined()
    expect(await keyFile(home)).toMatchObject({ version: 2, encryption: 'none', seed: Buffer.from(created.identity.seed).toString('base64') })
    expect((await unlockIdentityFile(home, undefined)).identity.publicKey).toEqual(created.identity.publicKey)
    const v1 = join(dir, 'v1')
    await createIdentityFile(v1, { noPassphrase: true })
    await writeFile(join(v1, 'identity.key'), JSON.stringify({ version: 1, type: 'ed25519', seed: Buffer.from(created.identity.seed).toString('base64') }))
    expect(await readKeyFileInfo(v1)).toMatchObject({ version: 1, encrypted: false, publicKey: created.identity.publicKey })
  })
})

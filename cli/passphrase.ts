/**
 * Where the CLI gets a passphrase (docs/cli.md, "Passphrases"), in this order:
 *   1. `--passphrase-file FILE`: the file's contents, one trailing newline removed;
 *   2. the environment variable (MURMUR_PASSPHRASE; MURMUR_NEW_PASSPHRASE for a new one),
 *      which is removed from this process's environment once read;
 *   3. a prompt on the terminal (nothing is echoed; a new passphrase is asked twice).
 * Never from argv, where every user of the machine could read it. Without any of the three
 * the command fails with PassphraseRequiredError.
 */
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'

export const PASSPHRASE_ENV = 'MURMUR_PASSPHRASE'
export const NEW_PASSPHRASE_ENV = 'MURMUR_NEW_PASSPHRASE'
/** Longer input is refused rather than read without end. */
const MAX_PASSPHRASE_BYTES = 1024

export interface PassphraseOptions {
  passphraseFile?: string
  /** commander's `--no-passphrase` sets `passphrase: false`. */
  passphrase?: boolean
}

/** `--passphrase-file`, and `--no-passphrase` where a home may be made without one. */
export function passphraseOptions (command: Command, options: { allowNone?: boolean, what?: string } = {}): Command {
  command.option('--passphrase-file <file>', `read ${options.what ?? 'the passphrase'} from this file (else $${PASSPHRASE_ENV}, else a prompt on the terminal)`)
  if (options.allowNone === true) command.option('--no-passphrase', 'no passphrase: the store is NOT encrypted (anyone who can read the home reads everything)')
  return command
}

export interface ReadPassphraseOptions {
  /** A file given on the command line. */
  file?: string
  /** The environment variable to read (default MURMUR_PASSPHRASE). */
  env?: string
  /** What the prompt asks for, e.g. "passphrase for /home/a/.murmur". */
  prompt: string
  /** Ask twice on a terminal and require the same answer (a new passphrase). */
  confirm?: boolean
}

/** The passphrase bytes from the first source that has one; the caller wipes them. */
export async function readPassphrase (options: ReadPassphraseOptions): Promise<Uint8Array> {
  // Loaded here: commands that need no passphrase load nothing of the store (test/e2e/latency.test.ts).
  const { InvalidPassphraseError, PassphraseRequiredError } = await import('../src/store/errors.js')
  if (options.file !== undefined) {
    const raw = await readFile(options.file)
    try {
      let end = raw.length
      if (end > 0 && raw[end - 1] === 0x0a) end--
      if (end > 0 && raw[end - 1] === 0x0d) end--
      if (end === 0) throw new InvalidPassphraseError(`${options.file} is empty: a passphrase must not be empty`)
      if (end > MAX_PASSPHRASE_BYTES) throw new InvalidPassphraseError(`a passphrase is at most ${MAX_PASSPHRASE_BYTES} bytes`)
      return Uint8Array.from(raw.subarray(0, end))
    } finally {
      raw.fill(0)
    }
  }
  const name = options.env ?? PASSPHRASE_ENV
  const fromEnv = process.env[name]
  if (fromEnv !== undefined && fromEnv !== '') {
    // Not passed on to processes this one starts.
    Reflect.deleteProperty(process.env, name)
    return new TextEncoder().encode(fromEnv)
  }
  if (process.stdin.isTTY === true && process.stderr.isTTY === true) {
    const first = await promptHidden(`${options.prompt}: `)
    if (options.confirm !== true) return first
    const second = await promptHidden('again, to confirm: ')
    try {
      if (Buffer.compare(first, second) !== 0) {
        first.fill(0)
        throw new InvalidPassphraseError('the two passphrases differ; nothing was changed')
      }
    } finally {
      second.fill(0)
    }
    return first
  }
  throw new PassphraseRequiredError(`a passphrase is needed: give --passphrase-file FILE, set ${name}, or run this on a terminal`)
}

/** Reads one line from the terminal in raw mode, echoing nothing. Ctrl-C cancels. */
async function promptHidden (prompt: string): Promise<Uint8Array> {
  const { InvalidPassphraseError, PassphraseRequiredError } = await import('../src/store/errors.js')
  const stdin = process.stdin
  // Raw mode (no echo) before the prompt shows: what is typed after it is never echoed.
  stdin.setRawMode(true)
  stdin.resume()
  process.stderr.write(prompt)
  const buffer = Buffer.alloc(MAX_PASSPHRASE_BYTES)
  let length = 0
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        for (const byte of chunk) {
          if (byte === 0x0d || byte === 0x0a) {
            stdin.off('data', onData)
            chunk.fill(0)
            process.stderr.write('\n')
            if (length === 0) {
              reject(new InvalidPassphraseError('a passphrase must not be empty'))
              return
            }
            resolve(Uint8Array.from(buffer.subarray(0, length)))
            return
          }
          if (byte === 0x03 || (byte === 0x04 && length === 0)) {
            stdin.off('data', onData)
            chunk.fill(0)
            process.stderr.write('\n')
            reject(new PassphraseRequiredError('cancelled: no passphrase was given'))
            return
          }
          if (byte === 0x7f || byte === 0x08) {
            if (length > 0) length--
            continue
          }
          if (length === MAX_PASSPHRASE_BYTES) {
            stdin.off('data', onData)
            chunk.fill(0)
            reject(new InvalidPassphraseError(`a passphrase is at most ${MAX_PASSPHRASE_BYTES} bytes`))
            return
          }
          buffer[length++] = byte
        }
        chunk.fill(0)
      }
      stdin.on('data', onData)
    })
  } finally {
    buffer.fill(0)
    stdin.setRawMode(false)
    stdin.pause()
  }
}

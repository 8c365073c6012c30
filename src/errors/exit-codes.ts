/**
 * Exit codes of the murmur command (documented in README.md and docs/cli.md). Scripts can
 * rely on them; text output is for people.
 */
export const ExitCode = {
  OK: 0,
  /** A bug or an unexpected failure; the message says what happened. */
  INTERNAL: 1,
  /** Wrong arguments or options, or input that can never be valid (e.g. an empty message). */
  USAGE: 2,
  /** The named thing does not exist: contact, message, identity. */
  NOT_FOUND: 3,
  /** The network failed: peer unreachable, timeout. */
  NETWORK: 4,
  /** A peer or relay refused: quota, rate limit, not trusted. */
  REFUSED: 5,
  /** The command needs a running node and none is running (start one with `murmur start`). */
  NOT_RUNNING: 6,
  /** The home is in a state that forbids the command: already initialised, in use by another node. */
  CONFLICT: 7,
  /** The passphrase is wrong, or none was given where one is needed. Nothing was changed. */
  PASSPHRASE: 8,
  /** A file murmur reads is damaged, altered or from a newer version: a backup, a key file's parameters. */
  BAD_FILE: 9
} as const

export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode]

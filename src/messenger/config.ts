/**
 * The user's config file in the home folder (config.json): display name, bootstrap list,
 * listen addresses. Unknown keys are kept so that newer versions can add settings.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { readFile, writeFile } from 'node:fs/promises'
import { homePath } from './home.js'

export interface MurmurConfig {
  name?: string
  bootstrap?: string[]
  listen?: string[]
  [key: string]: unknown
}

export class InvalidConfigError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

export async function readConfig (home: string): Promise<MurmurConfig> {
  const path = homePath(home, 'config')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw err
  }
  return parseConfig(text, path)
}

/** Parses and checks the text of config.json (`path` names it in errors); InvalidConfigError. */
export function parseConfig (text: string, path: string): MurmurConfig {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new InvalidConfigError(`${path} is not valid JSON`)
  }
  if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidConfigError(`${path} must hold a JSON object`)
  }
  const config = parsed as MurmurConfig
  for (const key of ['bootstrap', 'listen'] as const) {
    const value = config[key]
    if (value !== undefined && (!Array.isArray(value) || value.some(v => typeof v !== 'string'))) {
      throw new InvalidConfigError(`${path}: "${key}" must be a list of multiaddr strings`)
    }
  }
  if (config.name !== undefined && typeof config.name !== 'string') {
    throw new InvalidConfigError(`${path}: "name" must be a string`)
  }
  return config
}

export async function writeConfig (home: string, config: MurmurConfig): Promise<void> {
  await writeFile(homePath(home, 'config'), JSON.stringify(config, null, 2) + '\n', { mode: 0o600 })
}

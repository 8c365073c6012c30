/**
 * `murmur open`: opens the web app of the running node in the default browser, signed in by a
 * new one-time code (docs/web.md "Signing in"). Where no browser can be started (a server, an
 * SSH session), or with --print, it prints the URL instead.
 */
import type { Command } from 'commander'
import { print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'

interface OpenOptions extends CommonOptions {
  print?: boolean
}

/** How long a browser launcher may take to fail before we take it as started. */
const LAUNCH_GRACE_MS = 1_500

/** The platform's "open this URL" command ($BROWSER first, as many Unix tools do). */
function browserCommand (url: string): { command: string, args: string[] } {
  const browser = process.env.BROWSER
  if (browser !== undefined && browser !== '') return { command: browser, args: [url] }
  if (process.platform === 'darwin') return { command: 'open', args: [url] }
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] }
  return { command: 'xdg-open', args: [url] }
}

/** Starts the browser; resolves false when the launcher is missing or fails at once. */
async function launchBrowser (url: string): Promise<boolean> {
  const { command, args } = browserCommand(url)
  // Loaded here, not with the CLI: every other command would pay for node:child_process.
  const { spawn } = await import('node:child_process')
  return await new Promise((resolve) => {
    let settled = false
    const settle = (ok: boolean): void => { if (!settled) { settled = true; clearTimeout(timer); resolve(ok) } }
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.on('error', () => { settle(false) })
    child.on('exit', (code) => { settle(code === 0) })
    const timer = setTimeout(() => { settle(true) }, LAUNCH_GRACE_MS)
    child.unref()
  })
}

export function registerOpenCommand (program: Command): void {
  commonOptions(program.command('open'))
    .description('open the web app of your running node in your browser (--print: only print its one-time sign-in URL)')
    .option('--print', 'print the URL instead of starting a browser')
    .action(run(async (options: OpenOptions) => {
      const signIn = await (await connect(options)).call('web.open', {})
      const opened = options.print !== true && await launchBrowser(signIn.url)
      // --print: the URL alone, for a script to hand on (`xdg-open "$(murmur open --print)"`).
      print(options, { ...signIn, opened }, () => opened
        ? `opened ${signIn.url.split('#')[0]} in your browser`
        : options.print === true
          ? signIn.url
          : `open this URL in your browser (it signs you in once, within 10 minutes):\n${signIn.url}`)
    }))
}

/**
 * The `llorch-secrets` executable: wires the real terminal to {@link main}.
 *
 * @module
 */
import { stdoutColorEnabled } from './environment.js';
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color: stdoutColorEnabled(),
  stdinFd: 0,
  stdinIsTTY: process.stdin.isTTY,
});

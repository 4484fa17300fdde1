/**
 * The `llorch-secrets` executable: wires the real terminal to {@link main}.
 *
 * @module
 */
import { noColorRequested } from './environment.js';
import { main } from './main.js';

const color = process.stdout.isTTY && !noColorRequested() && process.stdout.hasColors();

process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color,
  stdinFd: 0,
  stdinIsTTY: process.stdin.isTTY,
});

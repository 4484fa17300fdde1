/**
 * The diagnostics event of a credential load: the name, the path and the byte count, never the
 * value (SEC-SECRET-013). The library itself never writes to stdout or stderr.
 *
 * @module
 */
import { channel } from 'node:diagnostics_channel';
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { SECRETS_LOAD_CHANNEL } from '@llorch/file-loader';

/** What subscribers of `llorch:secrets:load` receive after a credential loaded. */
export interface CredentialLoadEvent {
  readonly source: 'systemd-credential';
  readonly name: string;
  /** The resolved path of the credential file. */
  readonly path: string;
  readonly byteLength: number;
}

const loads = channel(SECRETS_LOAD_CHANNEL);

function publish(name: string, path: string, byteLength: number): void {
  const event: CredentialLoadEvent = Object.freeze({
    source: 'systemd-credential',
    name,
    path,
    byteLength,
  });
  // publish() catches a subscriber's exception and reports it as uncaught on the next tick,
  // so a faulty subscriber cannot turn a successful load into a failure.
  loads.publish(event);
}

/** Publishes the event, resolving the path only when someone listens. */
export function announceSync(name: string, path: string, byteLength: number): void {
  if (!loads.hasSubscribers) return;
  let resolved = path;
  try {
    resolved = realpathSync.native(path);
  } catch {
    // The file was loaded a moment ago; if it is gone now, the path as loaded is still true.
  }
  publish(name, resolved, byteLength);
}

/** The asynchronous form of {@link announceSync}. */
export async function announce(name: string, path: string, byteLength: number): Promise<void> {
  if (!loads.hasSubscribers) return;
  let resolved = path;
  try {
    resolved = await realpath(path);
  } catch {
    // As in announceSync: the path as loaded is still true.
  }
  publish(name, resolved, byteLength);
}

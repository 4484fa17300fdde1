// A small node:http service guarded by a bearer token that it loads through
// @llorch/secrets-facade. Run it with the token's file in LLORCH_API_TOKEN_FILE:
//
//   LLORCH_API_TOKEN_FILE=/etc/llorch/secrets/api-token node src/server.mjs
//
// Every route but /health needs `Authorization: Bearer <token>`. SIGINT or SIGTERM closes
// the server, waits for open requests, wipes the token and exits 0.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { bearerVerifier, isSecretError, resolveServiceSecret } from '@llorch/secrets-facade';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function send(response, status, body, headers = {}) {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

/**
 * Builds the request handler. Authentication comes before routing, so an unauthenticated
 * client learns nothing about which routes exist.
 */
export function createHandler(authorized) {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') {
      send(response, 200, { status: 'ok' });
      return;
    }
    const header = request.headers.authorization;
    if (!authorized(header)) {
      // RFC 6750 section 3: no credentials gets a bare challenge, wrong ones invalid_token.
      const challenge =
        header === undefined
          ? 'Bearer realm="llorch"'
          : 'Bearer realm="llorch", error="invalid_token"';
      send(response, 401, { error: 'unauthorized' }, { 'www-authenticate': challenge });
      return;
    }
    if (url.pathname === '/hello') {
      send(response, 200, { message: 'hello, authenticated client' });
      return;
    }
    send(response, 404, { error: 'not found' });
  };
}

/**
 * Loads the token, starts listening and returns a handle to stop the service. `host` must be a
 * loopback address: this example is not meant to face a network.
 */
export async function startService({ host = '127.0.0.1', port = 0, tokenPath } = {}) {
  if (!LOOPBACK.has(host)) throw new Error(`refusing to listen on ${host}: loopback only`);
  const { secret, source, path } = await resolveServiceSecret('LLORCH_API_TOKEN', {
    ...(tokenPath === undefined ? {} : { path: tokenPath }),
  });
  const server = createServer(createHandler(bearerVerifier(secret)));
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        // Only a failure to listen rejects; a later server error must not vanish into a
        // settled promise.
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // The caller gets no handle, so no stop() will ever wipe the token: wipe it here.
    secret.dispose();
    throw error;
  }
  let stopping;
  const stop = () => {
    stopping ??= new Promise((resolve) => {
      server.close(() => {
        secret.dispose();
        resolve();
      });
      server.closeIdleConnections();
      // A client that keeps a request open must not hold the shutdown forever.
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    });
    return stopping;
  };
  const address = server.address();
  return { server, port: address.port, host, source, path, stop, secret };
}

/**
 * What SIGINT and SIGTERM do: stop the service, which wipes the token, and say so. Exported so
 * that tests run the same path in-process and can look at the token afterwards.
 */
export async function shutdown(service, signal, write = (text) => process.stdout.write(text)) {
  write(`bearer-service: ${signal} received, closing\n`);
  await service.stop();
  write('bearer-service: closed, token wiped\n');
}

async function run() {
  const port = Number.parseInt(process.env.PORT ?? '0', 10);
  const host = process.env.HOST ?? '127.0.0.1';
  let service;
  try {
    service = await startService({ host, port: Number.isNaN(port) ? 0 : port });
  } catch (error) {
    const what = isSecretError(error) ? `${error.code}: ${error.message}` : String(error.message);
    process.stderr.write(`bearer-service: cannot start: ${what}\n`);
    process.exitCode = 1;
    return;
  }
  const where = service.path ?? 'a systemd credential';
  process.stdout.write(`bearer-service: token loaded from ${service.source} (${where})\n`);
  process.stdout.write(`bearer-service: listening on http://${host}:${service.port}\n`);
  const onSignal = (signal) => {
    shutdown(service, signal).then(() => {
      process.exitCode = 0;
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}

#!/usr/bin/env node
// `pnpm check:pack-install`: what npm users will get. Packs every built package with `pnpm pack`
// (which rewrites workspace: ranges), installs all the tarballs together into a fresh npm
// project outside the workspace, and exercises each package's main export there through both
// `import` and `require`. Exit status 1 when a pack, the install or any check fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const keep = process.argv.includes('--keep');

// What each package must do once installed. `esm` and `cjs` get the module namespace; each
// returns a short description of what it checked, or throws.
const checks = {
  '@llorch/secret-buffer': (m) => {
    const b = m.SecretBuffer.random(32);
    if (b.byteLength !== 32 || String(b).includes('0x')) throw new Error('SecretBuffer.random');
    b.dispose();
    if (!m.isSecretError(new m.SecretError('IO', 'x'))) throw new Error('isSecretError');
    return 'SecretBuffer.random, dispose, isSecretError';
  },
  '@llorch/ct-verify': (m) => {
    const a = new TextEncoder().encode('pack-check-token');
    if (!m.verifySecret(a, 'pack-check-token') || m.verifySecret(a, 'other'))
      throw new Error('verify');
    if (!m.constantTimeEqual(a, Uint8Array.from(a))) throw new Error('constantTimeEqual');
    const window = new Uint8Array(64);
    window.set(a);
    if (!m.verifyPaddedSecret(window, a.length, 'pack-check-token')) throw new Error('padded');
    return 'verifySecret, constantTimeEqual, verifyPaddedSecret';
  },
  '@llorch/hkdf-derive': (m) => {
    const k = m.deriveKey(new TextEncoder().encode('pack-check-ikm'), 'pack-check-v1');
    if (k.byteLength !== 32) throw new Error('deriveKey length');
    k.dispose();
    return 'deriveKey';
  },
  '@llorch/file-loader': (m, ctx) => {
    const s = m.loadSecretFileSync(ctx.tokenFile);
    if (s.byteLength !== ctx.tokenLength) throw new Error('loadSecretFileSync length');
    s.dispose();
    const k = m.loadKeyFileSync(ctx.keyFile);
    if (k.byteLength !== 32) throw new Error('loadKeyFileSync length');
    k.dispose();
    return 'loadSecretFileSync, loadKeyFileSync on 0600 files';
  },
  '@llorch/systemd-creds': (m, ctx) => {
    const s = m.loadCredentialSync('token', { directory: ctx.credentials });
    if (s.byteLength !== ctx.tokenLength) throw new Error('loadCredentialSync length');
    s.dispose();
    return 'loadCredentialSync';
  },
  '@llorch/secrets-facade': (m, ctx) => {
    const s = m.Secret.loadFromFileSync(ctx.tokenFile);
    if (!s.verify(ctx.token) || s.verify('wrong')) throw new Error('Secret.verify');
    if (!m.bearerVerifier(s)(`Bearer ${ctx.token}`)) throw new Error('bearerVerifier');
    const k = m.SecretKey.deriveFromToken(s, 'pack-check-v1');
    k.dispose();
    s.dispose();
    return 'Secret.loadFromFileSync, verify, bearerVerifier, SecretKey.deriveFromToken';
  },
};

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const work = mkdtempSync(join(tmpdir(), 'llorch-pack-check-'));
let failed = 0;
try {
  const packed = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', dir);
    if (!existsSync(join(pkgDir, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (!existsSync(join(pkgDir, 'dist'))) {
      // What is not built cannot be checked, and a check that checked nothing must not pass.
      failed += 1;
      console.log(`  FAIL ${manifest.name}: not built (run pnpm build)`);
      continue;
    }
    if (!(manifest.name in checks) && manifest.bin === undefined) {
      failed += 1;
      console.log(`  FAIL ${manifest.name}: no check in pack-install-check.mjs`);
    }
    // All tarballs go into one project, where a package that imports another without
    // declaring it would still resolve it. So the built code's bare imports are compared with
    // the manifest first: each must be a declared dependency or a Node builtin (the build
    // writes `fs` for `node:fs`).
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    for (const file of readdirSync(join(pkgDir, 'dist')).filter((f) => /\.(c|m)?js$/.test(f))) {
      const code = readFileSync(join(pkgDir, 'dist', file), 'utf8');
      // Module specifiers only: a word, a scope or a path of them, never the text of a message.
      const specifiers = [
        ...code.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([\w@][\w@/.-]*)["']/gm),
        ...code.matchAll(/^\s*import\s*["']([\w@][\w@/.-]*)["']/gm),
        ...code.matchAll(/\brequire\(\s*["']([\w@][\w@/.-]*)["']\s*\)/g),
      ].map((m) => m[1]);
      for (const specifier of specifiers) {
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0];
        if (!declared.has(name)) {
          failed += 1;
          console.log(`  FAIL ${manifest.name}: dist/${file} imports ${name}, not a dependency`);
        }
      }
    }
    try {
      const out = sh('pnpm', ['pack', '--pack-destination', work], pkgDir);
      const tarball = out.trim().split('\n').pop();
      packed.push({ name: manifest.name, tarball, bin: manifest.bin });
      console.log(`  packed ${manifest.name}`);
    } catch (error) {
      failed += 1;
      console.log(`  FAIL pnpm pack ${manifest.name}: ${String(error.stderr ?? error.message)}`);
    }
  }
  const project = join(work, 'project');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'llorch-pack-check', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  const tarballs = packed.map((p) =>
    p.tarball.startsWith('/') ? p.tarball : join(work, p.tarball),
  );
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], project);
  console.log(`  npm install of ${String(tarballs.length)} tarballs into ${project}: ok`);

  // The secrets the checks load, written 0600 into a private directory, as an operator would.
  const fixtures = join(work, 'secrets');
  const token = 'pack-check-token-0123456789abcdef';
  execFileSync('mkdir', ['-m', '700', '-p', join(fixtures, 'creds')]);
  writeFileSync(join(fixtures, 'api-token'), `${token}\n`, { mode: 0o600 });
  writeFileSync(join(fixtures, 'key.hex'), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
  writeFileSync(join(fixtures, 'creds', 'token'), `${token}\n`, { mode: 0o400 });
  const ctx = {
    token,
    tokenLength: token.length,
    tokenFile: join(fixtures, 'api-token'),
    keyFile: join(fixtures, 'key.hex'),
    credentials: join(fixtures, 'creds'),
  };

  const names = packed.map((p) => p.name).filter((name) => name in checks);
  const entries = names.map((n) => `${JSON.stringify(n)}: ${String(checks[n])}`).join(',');
  const body = (load) =>
    [
      `const ctx = ${JSON.stringify(ctx)};`,
      `const checks = {${entries}};`,
      'let failed = 0;',
      ...names.map(
        (n) =>
          `try { const name = ${JSON.stringify(n)};\n` +
          `  console.log('    ok ' + name + ': ' + checks[name](${load(n)}, ctx)); }\n` +
          `catch (e) { failed += 1;\n` +
          `  console.log('    FAIL ' + ${JSON.stringify(n)} + ': ' + (e && e.message)); }`,
      ),
      'process.exitCode = failed > 0 ? 1 : 0;',
    ].join('\n');
  writeFileSync(
    join(project, 'check.mjs'),
    body((n) => `await import(${JSON.stringify(n)})`),
  );
  writeFileSync(
    join(project, 'check.cjs'),
    body((n) => `require(${JSON.stringify(n)})`),
  );
  for (const [label, file] of [
    ['import (ESM)', 'check.mjs'],
    ['require (CJS)', 'check.cjs'],
  ]) {
    console.log(`  ${label}:`);
    try {
      process.stdout.write(sh(process.execPath, [file], project));
    } catch (error) {
      failed += 1;
      process.stdout.write(String(error.stdout ?? ''));
      console.log(
        `    FAIL ${file}: ${String(error.stderr ?? error.message)
          .split('\n')
          .slice(0, 5)
          .join(' ')}`,
      );
    }
  }
  for (const p of packed) {
    for (const bin of Object.keys(typeof p.bin === 'object' && p.bin !== null ? p.bin : {})) {
      try {
        const version = sh(join(project, 'node_modules/.bin', bin), ['--version'], project).trim();
        console.log(`  ok bin ${bin} --version: ${version}`);
      } catch (error) {
        failed += 1;
        console.log(
          `  FAIL bin ${bin} --version: ${String(error.stderr ?? error.message).split('\n')[0]}`,
        );
      }
    }
  }
  if (packed.length === 0) {
    failed += 1;
    console.log('  FAIL nothing was packed');
  }
} catch (error) {
  failed += 1;
  console.log(`  FAIL ${String(error.stderr ?? error.message)}`);
} finally {
  if (keep) console.log(`  kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(`pack-install: ${failed === 0 ? 'passed' : `FAILED (${String(failed)})`}`);
process.exitCode = failed === 0 ? 0 : 1;

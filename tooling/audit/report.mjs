#!/usr/bin/env node
// `pnpm audit:report`: writes packages/<name>/AUDIT.md, audit.json and sbom.cdx.json from facts
// gathered now: the runtime dependency tree and licences (pnpm), advisories (pnpm audit), the
// built entries' sizes and exports, the package's vitest and coverage reports, the fuzz and
// residue results, a requirement trace and the spec's review checklist (section 8.1).
//
// Run `pnpm build`, `pnpm test` (and ideally `pnpm fuzz`, `pnpm residue`) first. Exit status 1
// when a package has an applicable requirement without a passing test; it prints which.
//
//   node tooling/audit/report.mjs [--skip-lint] [--package NAME]
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const here = join(root, 'tooling/audit');
const { values: flags } = parseArgs({
  options: { 'skip-lint': { type: 'boolean', default: false }, package: { type: 'string' } },
});

const config = JSON.parse(readFileSync(join(here, 'requirements.json'), 'utf8'));
const readJson = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined);
const generatedAt = new Date().toISOString();
const today = generatedAt.slice(0, 10);

async function sh(cmd, args, options = {}) {
  try {
    const { stdout, stderr } = await run(cmd, args, {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: '0', TURBO_TELEMETRY_DISABLED: '1' },
      ...options,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return { code: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
}

const packageDirs = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .filter((name) => flags.package === undefined || flags.package === name)
  .sort();
const manifests = new Map(
  readdirSync(join(root, 'packages'))
    .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
    .map((name) => [name, readJson(join(root, 'packages', name, 'package.json'))]),
);
const byPackageName = new Map([...manifests].map(([dir, m]) => [m.name, { dir, manifest: m }]));

// ---------------------------------------------------------------- dependencies and licences

const listCache = new Map();
async function pnpmList(name) {
  if (!listCache.has(name)) {
    const out = await sh('pnpm', [
      'list',
      '--prod',
      '--json',
      '--depth',
      'Infinity',
      '--filter',
      name,
    ]);
    listCache.set(name, out.code === 0 ? (JSON.parse(out.stdout)[0] ?? {}) : { error: out.stderr });
  }
  return listCache.get(name);
}

async function licenceTable(name) {
  const out = await sh('pnpm', ['licenses', 'list', '--prod', '--json', '--filter', name]);
  const table = new Map();
  if (out.code !== 0) return { table, error: out.stderr.trim().split('\n')[0] };
  let parsed = {};
  try {
    parsed = JSON.parse(out.stdout);
  } catch {
    // pnpm prints "No licenses in packages found" instead of JSON for a package without deps.
  }
  for (const [licence, entries] of Object.entries(parsed)) {
    for (const entry of entries) {
      for (const version of entry.versions) table.set(`${entry.name}@${version}`, licence);
    }
  }
  return { table };
}

/** The runtime dependency tree as nodes `{ name, version, licence, source, dependencies }`. */
async function dependencyTree(manifest, licences, seen = new Set()) {
  const listed = await pnpmList(manifest.name);
  const nodes = [];
  const walk = async (deps) => {
    const out = [];
    for (const [depName, info] of Object.entries(deps ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const workspace = byPackageName.get(depName);
      if (String(info.version).startsWith('link:') && workspace !== undefined) {
        const child = {
          name: depName,
          version: workspace.manifest.version,
          licence: workspace.manifest.license ?? 'UNKNOWN',
          source: 'workspace',
          dependencies: [],
        };
        if (!seen.has(depName)) {
          seen.add(depName);
          child.dependencies = await dependencyTree(workspace.manifest, licences, seen);
        }
        out.push(child);
        continue;
      }
      let licence = licences.get(`${depName}@${String(info.version)}`);
      if (licence === undefined && info.path !== undefined) {
        licence = readJson(join(info.path, 'package.json'))?.license;
      }
      out.push({
        name: depName,
        version: String(info.version),
        licence: licence ?? 'UNKNOWN',
        source: 'registry',
        resolved: info.resolved,
        dependencies: await walk(info.dependencies),
      });
    }
    return out;
  };
  nodes.push(...(await walk(listed.dependencies)));
  return nodes;
}

function flatten(nodes, into = new Map()) {
  for (const node of nodes) {
    into.set(`${node.name}@${node.version}`, node);
    flatten(node.dependencies, into);
  }
  return into;
}

// ---------------------------------------------------------------- advisories

async function advisories() {
  const out = await sh('pnpm', ['audit', '--prod', '--json']);
  let parsed;
  try {
    parsed = JSON.parse(out.stdout);
  } catch {
    parsed = undefined;
  }
  const reached =
    parsed !== undefined && parsed.metadata !== undefined && parsed.error === undefined;
  if (!reached) {
    const text = `${out.stdout}\n${out.stderr}`.replace(/\s+/g, ' ').trim();
    const reason = parsed?.error?.message ?? parsed?.error?.code ?? text;
    return {
      status: 'unreachable',
      checkedOn: today,
      command: 'pnpm audit --prod --json',
      exitCode: out.code,
      error: reason.slice(0, 400),
    };
  }
  return {
    status: 'reached',
    checkedOn: today,
    command: 'pnpm audit --prod --json',
    exitCode: out.code,
    advisories: Object.values(parsed.advisories ?? {}).map((a) => ({
      module: a.module_name,
      severity: a.severity,
      title: a.title,
      url: a.url,
      vulnerableVersions: a.vulnerable_versions,
    })),
    metadata: parsed.metadata?.vulnerabilities,
  };
}

// ---------------------------------------------------------------- build facts

function entriesOf(dir, manifest) {
  const files = new Set();
  const collect = (value) => {
    if (typeof value === 'string') {
      if (/\.(c|m)?js$/.test(value)) files.add(value);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) if (key !== 'types') collect(inner);
    }
  };
  collect(manifest.exports?.['.'] ?? {});
  collect(manifest.bin ?? {});
  return [...files].sort().map((file) => {
    const path = join(root, 'packages', dir, file);
    if (!existsSync(path)) return { file, built: false };
    const bytes = readFileSync(path);
    return {
      file,
      built: true,
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: 9 }).length,
    };
  });
}

async function publicExports(dir, manifest) {
  const esm = manifest.exports?.['.']?.import?.default ?? manifest.exports?.['.']?.default;
  if (typeof esm !== 'string') {
    return { entry: null, names: [], note: 'no library entry (command-line tool only)' };
  }
  const path = join(root, 'packages', dir, esm);
  if (!existsSync(path)) return { entry: esm, names: [], note: 'not built' };
  try {
    const mod = await import(pathToFileURL(path).href);
    const names = Object.keys(mod)
      .sort()
      .map((name) => {
        const value = mod[name];
        const kind =
          typeof value === 'function'
            ? /^class\s/.test(Function.prototype.toString.call(value))
              ? 'class'
              : 'function'
            : typeof value;
        return { name, kind };
      });
    return { entry: esm, names };
  } catch (error) {
    return { entry: esm, names: [], note: `import failed: ${String(error?.message ?? error)}` };
  }
}

// ---------------------------------------------------------------- tests, coverage, lint

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

function testFacts(dir) {
  const pkgDir = join(root, 'packages', dir);
  const reportPath = join(pkgDir, 'reports/vitest.json');
  const report = readJson(reportPath);
  const coverage = readJson(join(pkgDir, 'coverage/coverage-summary.json'))?.total;
  const testFiles = existsSync(join(pkgDir, 'test'))
    ? readdirSync(join(pkgDir, 'test'), { recursive: true })
        .map(String)
        .filter((f) => /\.test\.ts$/.test(f))
        .map((f) => `test/${f}`)
        .sort()
    : [];
  const propertyFiles = testFiles.filter((f) =>
    /from ['"]fast-check['"]/.test(readFileSync(join(pkgDir, f), 'utf8')),
  );
  if (report === undefined) {
    return { report: null, testFiles, propertyFiles, tests: [], coverage: coverageOf(coverage) };
  }
  const stale =
    statSync(reportPath).mtimeMs <
    Math.max(newestMtime(join(pkgDir, 'src')), newestMtime(join(pkgDir, 'test')));
  const tests = [];
  const brokenSuites = [];
  for (const suite of report.testResults ?? []) {
    const file = relative(pkgDir, suite.name);
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0)
      brokenSuites.push(file);
    for (const test of suite.assertionResults ?? []) {
      tests.push({ file, title: test.fullName ?? test.title, status: test.status });
    }
  }
  const count = (status) => tests.filter((t) => t.status === status).length;
  return {
    report: 'reports/vitest.json',
    stale,
    testFiles,
    propertyFiles,
    passed: count('passed'),
    failed: count('failed') + brokenSuites.length,
    skipped: tests.length - count('passed') - count('failed'),
    brokenSuites,
    tests,
    propertyTestsPassed: tests.filter(
      (t) => propertyFiles.includes(t.file) && t.status === 'passed',
    ).length,
    propertyTestsFailed: tests.filter(
      (t) => propertyFiles.includes(t.file) && t.status === 'failed',
    ).length,
    coverage: coverageOf(coverage),
  };
}

function coverageOf(total) {
  if (total === undefined) return null;
  const pick = (k) => ({ covered: total[k].covered, total: total[k].total, pct: total[k].pct });
  return {
    lines: pick('lines'),
    branches: pick('branches'),
    functions: pick('functions'),
    statements: pick('statements'),
  };
}

async function lintFacts(dir) {
  if (flags['skip-lint']) return { ran: false, note: 'skipped with --skip-lint' };
  const pkgDir = join(root, 'packages', dir);
  const targets = ['src', 'test'].filter((d) => existsSync(join(pkgDir, d)));
  for (const f of readdirSync(pkgDir)) if (/\.config\.ts$/.test(f)) targets.push(f);
  const out = await sh(
    join(root, 'node_modules/.bin/eslint'),
    ['--config', '../../tooling/eslint.config.js', '--format', 'json', ...targets],
    { cwd: pkgDir },
  );
  let results;
  try {
    results = JSON.parse(out.stdout);
  } catch {
    return {
      ran: true,
      passed: false,
      note: `eslint did not run: ${out.stderr.trim().split('\n')[0] ?? ''}`,
    };
  }
  const rules = {};
  let errors = 0;
  let warnings = 0;
  for (const file of results) {
    errors += file.errorCount + file.fatalErrorCount;
    warnings += file.warningCount;
    for (const message of file.messages) {
      const rule = message.ruleId ?? 'fatal';
      rules[rule] = (rules[rule] ?? 0) + 1;
    }
  }
  return {
    ran: true,
    passed: errors === 0 && warnings === 0,
    files: results.length,
    errors,
    warnings,
    rules,
  };
}

/** Greps the sources for what the checklist forbids, as independent evidence beside lint. */
function sourceFacts(dir) {
  const srcDir = join(root, 'packages', dir, 'src');
  const facts = { files: 0, console: [], foreignThrows: [], lintSuppressions: [] };
  if (!existsSync(srcDir)) return facts;
  for (const name of readdirSync(srcDir, { recursive: true }).map(String).sort()) {
    if (!name.endsWith('.ts')) continue;
    facts.files += 1;
    const lines = readFileSync(join(srcDir, name), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*(\*|\/\*)/.test(line)) return;
      const at = `src/${name}:${String(i + 1)}`;
      if (/\bconsole\s*\.\s*\w+/.test(code)) facts.console.push(at);
      if (/throw\s+new\s+(?!SecretError\b)\w*Error\b/.test(code)) facts.foreignThrows.push(at);
      if (/eslint-disable/.test(line)) facts.lintSuppressions.push(at);
    });
  }
  return facts;
}

function tsconfigFacts(dir) {
  const own = readJson(join(root, 'packages', dir, 'tsconfig.json')) ?? {};
  const base = readJson(join(root, 'tooling/tsconfig.base.json')) ?? {};
  const extendsBase = String(own.extends ?? '').endsWith('tooling/tsconfig.base.json');
  const option =
    own.compilerOptions?.noUncheckedIndexedAccess ??
    (extendsBase ? base.compilerOptions?.noUncheckedIndexedAccess : undefined);
  return {
    extendsBase,
    noUncheckedIndexedAccess: option === true,
    strict: (own.compilerOptions?.strict ?? base.compilerOptions?.strict) === true,
  };
}

function eslintConfigFacts() {
  const text = readFileSync(join(root, 'tooling/eslint.config.js'), 'utf8');
  return {
    noNonNullAssertion: /'@typescript-eslint\/no-non-null-assertion':\s*'error'/.test(text),
    nonNullSyntaxBanned: /TSNonNullExpression/.test(text),
    noConsole: /'no-console':\s*'error'/.test(text),
    onlyThrowError: /'@typescript-eslint\/only-throw-error':\s*'error'/.test(text),
  };
}

// ---------------------------------------------------------------- trace and checklist

function trace(ids, tests) {
  return ids.map((id) => {
    const matching = tests.filter((t) => t.title.includes(id));
    const passed = matching.filter((t) => t.status === 'passed').length;
    const failed = matching.filter((t) => t.status === 'failed').length;
    return {
      id,
      requirement: config.requirements[id],
      status:
        passed > 0 && failed === 0
          ? 'tested'
          : matching.length === 0
            ? 'no test'
            : failed > 0
              ? 'failing'
              : 'no passing test',
      passed,
      failed,
      tests: matching.map((t) => ({ title: t.title, status: t.status })),
    };
  });
}

function fuzzFacts(dir, file = 'results.json') {
  const results = readJson(join(root, 'tooling/fuzz', file));
  if (results === undefined) return null;
  const targets = results.targets.filter((t) => t.package === dir);
  return {
    finishedAt: results.finishedAt,
    commit: results.commit ?? null,
    mode: results.mode,
    seed: results.seed,
    targets: targets.map(({ target, status, inputs, failures, seconds, reason }) => ({
      target,
      status,
      inputs,
      failures,
      seconds: seconds ?? 0,
      ...(reason !== undefined ? { reason } : {}),
    })),
  };
}

let headCommitPromise;
// The commit reported on, for judging whether a long fuzz run still applies; null outside git.
function headCommit() {
  headCommitPromise ??= promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: root }).then(
    ({ stdout }) => stdout.trim(),
    () => null,
  );
  return headCommitPromise;
}

// The last `pnpm timing` run of a package that has one (ct-verify), as its script recorded it,
// with whether the package's sources changed between the commit it measured and this one.
async function timingFacts(dir, manifest) {
  if (manifest.scripts?.timing === undefined) return undefined;
  const run = readJson(join(root, 'packages', dir, 'timing/results.json'));
  if (run === undefined) return null;
  const head = await headCommit();
  let sourcesChanged = null;
  if (run.commit !== null && head !== null) {
    sourcesChanged = await promisify(execFile)(
      'git',
      ['diff', '--quiet', run.commit, head, '--', `packages/${dir}/src`],
      { cwd: root },
    ).then(
      () => false,
      (error) => (error.code === 1 ? true : null),
    );
  }
  return { ...run, reportCommit: head, sourcesChanged };
}

function timingSection(timing) {
  const lines = ['## Timing evidence', ''];
  if (timing === null) {
    lines.push(
      'No timing run on record (`pnpm timing` writes `timing/results.json`; it is a statistical',
      'test of this machine, not part of CI). The README gives the figures of its latest runs.',
      '',
    );
    return lines;
  }
  const same = timing.commit !== null && timing.commit === timing.reportCommit;
  const provenance =
    timing.commit === null
      ? 'outside a git checkout'
      : same
        ? `on \`${timing.commit.slice(0, 12)}\`, the commit this report was made from`
        : `on commit \`${timing.commit.slice(0, 12)}\`, ` +
          (timing.sourcesChanged === false
            ? 'with the same package sources as the commit this report was made from'
            : timing.sourcesChanged === true
              ? '**whose package sources differ from the commit this report was made from: ' +
                'rerun `pnpm timing`**'
              : 'which could not be compared with this one');
  lines.push(
    `Last \`pnpm timing\` run: ${timing.finishedAt}, ${provenance}` +
      (timing.sourcesModified ? ', **with uncommitted changes to the sources**' : '') +
      `; ${timing.node} on ${timing.cpu}, ${String(timing.seconds)} s` +
      (timing.only === null ? '' : `, only rows matching \`${timing.only}\``) +
      `. Verdict: **${timing.verdict}** (dudect's line: |t| > ${String(timing.leakLine)}).`,
    'One run is one draw of a statistical test on a shared machine: the package README gives',
    'the spread over many runs and what it says about each function.',
    '',
    '| Implementation | Role | Classes (A vs B) | Samples | max \\|t\\| | at | A-B ns | Over the line |',
    '|---|---|---|---:|---:|---|---:|---|',
  );
  for (const row of timing.rows) {
    lines.push(
      `| ${cell(row.name)} | ${row.role} | ${cell(row.classes)} | ${String(row.samples)} | ` +
        `${row.maxT.toFixed(2)} | ${row.test} | ${row.deltaNs.toFixed(3)} | ` +
        `${row.leaks ? 'yes' : 'no'} |`,
    );
  }
  lines.push('');
  return lines;
}

function residueFacts() {
  return readJson(join(root, 'tooling/residue/results.json')) ?? null;
}

const MET = 'met';
const NOT_MET = 'not met';
const NA = 'not applicable';
const NO_EVIDENCE = 'no evidence';

function byIds(traced, ids, what) {
  const relevant = traced.filter((t) => ids.includes(t.id));
  if (relevant.length === 0)
    return { status: NA, evidence: `no ${what} requirement (${ids.join(', ')}) applies` };
  const bad = relevant.filter((t) => t.status !== 'tested');
  return {
    status: bad.length === 0 ? MET : NOT_MET,
    evidence: relevant
      .map(
        (t) =>
          `${t.id}: ${String(t.passed)} passing test(s)` +
          (t.failed ? `, ${String(t.failed)} failing` : ''),
      )
      .join('; '),
  };
}

function checklist(facts) {
  const { lint, source, ts, eslintConfig, traced, tests, fuzz, residue, dir } = facts;
  const items = [];
  const add = (item, verdict) => items.push({ item, ...verdict });
  const lintVerdict = !lint.ran
    ? { status: NO_EVIDENCE, evidence: lint.note }
    : lint.passed
      ? {
          status: MET,
          evidence:
            'eslint (tooling/eslint.config.js, TIER 1 rules): ' +
            `${String(lint.files)} files, 0 errors, 0 warnings`,
        }
      : {
          status: NOT_MET,
          evidence: (
            `eslint: ${String(lint.errors ?? '?')} errors, ` +
            `${String(lint.warnings ?? '?')} warnings ` +
            `${JSON.stringify(lint.rules ?? {})} ${lint.note ?? ''}`
          ).trim(),
        };
  add('All TIER 1 Clippy lints pass', lintVerdict);

  const nonNullHits =
    (lint.rules?.['@typescript-eslint/no-non-null-assertion'] ?? 0) +
    (lint.rules?.['no-restricted-syntax'] ?? 0);
  // Only a package bound by SEC-SECRET-001 promises to throw nothing but SecretError; the CLI
  // has its own error classes and reports failures by exit status.
  const throwsMatter = traced.some((t) => t.id === 'SEC-SECRET-001');
  const panicOk =
    eslintConfig.noNonNullAssertion &&
    eslintConfig.nonNullSyntaxBanned &&
    (!throwsMatter || source.foreignThrows.length === 0) &&
    (!lint.ran || nonNullHits === 0);
  add('No `.unwrap()`, `.expect()`, or `.panic!()` in code', {
    status: !lint.ran && panicOk ? NO_EVIDENCE : panicOk ? MET : NOT_MET,
    evidence:
      `non-null assertions banned by lint (${String(nonNullHits)} reported); ` +
      'throws of a class other than SecretError in src: ' +
      (source.foreignThrows.length ? source.foreignThrows.join(', ') : 'none') +
      (throwsMatter ? '' : ' (allowed: SEC-SECRET-001 does not apply to this package)'),
  });
  add(
    'No `Debug`, `Display`, `ToString`, or `Serialize` on secret types',
    byIds(traced, ['SEC-SECRET-011'], 'redaction'),
  );
  add('All array access is bounds-checked', {
    status: ts.noUncheckedIndexedAccess ? MET : NOT_MET,
    evidence:
      `noUncheckedIndexedAccess ${ts.noUncheckedIndexedAccess ? 'on' : 'off'} in the package ` +
      `tsconfig${ts.extendsBase ? ' (via tooling/tsconfig.base.json)' : ''}`,
  });
  add(
    'All arithmetic uses saturating/checked operations',
    byIds(traced, ['SEC-SECRET-004'], 'arithmetic'),
  );
  const zero = byIds(traced, ['SEC-SECRET-014', 'SEC-SECRET-015'], 'zeroization');
  if (zero.status !== NA && residue !== null) {
    const residueOk = residue.passed === true;
    zero.evidence +=
      `; residue scan of a child process (${residue.finishedAt ?? '?'}): ` +
      (residueOk ? 'no disposed secret found, controls found' : 'FAILED');
    if (!residueOk) zero.status = NOT_MET;
  } else if (zero.status !== NA) {
    zero.evidence += '; no residue scan result (run pnpm residue)';
  }
  add('All secrets zeroized on drop', zero);
  add(
    'All verification uses constant-time comparison',
    byIds(traced, ['SEC-SECRET-030', 'SEC-SECRET-031', 'SEC-SECRET-032'], 'verification'),
  );
  add(
    'All file permissions validated (Unix)',
    byIds(traced, ['SEC-SECRET-020', 'SEC-SECRET-021'], 'file permission'),
  );
  add(
    'All paths canonicalized',
    byIds(traced, ['SEC-SECRET-023', 'SEC-SECRET-052'], 'canonicalization'),
  );
  add('No secret values in error messages', byIds(traced, ['SEC-SECRET-012'], 'error message'));
  const logs = byIds(traced, ['SEC-SECRET-013'], 'logging');
  const consoleOk = dir === 'secrets-cli' || source.console.length === 0;
  add('No secret values in logs', {
    status:
      logs.status === NA
        ? consoleOk
          ? MET
          : NOT_MET
        : logs.status === MET && consoleOk
          ? MET
          : NOT_MET,
    evidence:
      `${logs.evidence}; console calls in src: ` +
      (dir === 'secrets-cli'
        ? 'allowed (a CLI prints by design)'
        : source.console.length
          ? source.console.join(', ')
          : 'none'),
  });
  const untested = traced.filter((t) => t.status !== 'tested');
  add('All attack scenarios have tests', {
    status: traced.length === 0 ? NA : untested.length === 0 ? MET : NOT_MET,
    evidence:
      untested.length === 0
        ? `every applicable ID (${String(traced.length)}) has a passing test`
        : `without a passing test: ${untested.map((t) => t.id).join(', ')}`,
  });
  add('Property tests pass', {
    status:
      tests.propertyFiles.length === 0
        ? NOT_MET
        : tests.report === null
          ? NO_EVIDENCE
          : tests.propertyTestsFailed === 0 && tests.propertyTestsPassed > 0
            ? MET
            : NOT_MET,
    evidence:
      `${String(tests.propertyFiles.length)} test file(s) use fast-check ` +
      `(${tests.propertyFiles.join(', ') || 'none'}); ` +
      `${String(tests.propertyTestsPassed ?? 0)} passed, ` +
      `${String(tests.propertyTestsFailed ?? 0)} failed`,
  });
  // The hour per target comes from a long run (`pnpm fuzz --minutes 60`, its own file), which
  // counts only while it fuzzed the commit being reported on.
  const long = facts.fuzzLong;
  const head = facts.commit;
  if (long === null || long.targets.length === 0) {
    add('Fuzz tests run for 1+ hour without crashes', {
      status: NOT_MET,
      evidence:
        (fuzz === null
          ? 'no tooling/fuzz/results.json (run pnpm fuzz)'
          : fuzz.targets.length === 0
            ? 'no fuzz target for this package'
            : `short pass only: ${fuzz.targets
                .map(
                  (t) => `${t.target}: ${String(t.inputs)} inputs, ${String(t.failures)} failures`,
                )
                .join('; ')}`) +
        '; no long run on record (pnpm fuzz --minutes 60 writes tooling/fuzz/results-long.json)',
    });
  } else {
    const ran = long.targets.filter((t) => t.status !== 'skipped');
    const failures = ran.reduce((s, t) => s + t.failures, 0);
    const hour = ran.length === long.targets.length && ran.every((t) => t.seconds >= 3600);
    const current = head !== null && long.commit === head;
    add('Fuzz tests run for 1+ hour without crashes', {
      status: hour && failures === 0 && current ? MET : NOT_MET,
      evidence:
        long.targets
          .map(
            (t) =>
              `${t.target}: ` +
              (t.status === 'skipped'
                ? 'skipped'
                : `${String(t.inputs)} inputs, ${String(t.failures)} failures, ` +
                  `${String(t.seconds)} s`),
          )
          .join('; ') +
        `; long run of ${String(long.commit)} finished ${String(long.finishedAt)}` +
        (current ? '' : `, not the commit reported on (${String(head)})`) +
        (hour ? '' : '; some target ran under an hour'),
    });
  }
  return items;
}

// ---------------------------------------------------------------- SBOM

function sbom(manifest, tree) {
  const bom = new CDX.Models.Bom();
  const licenceFactory = new CDX.Contrib.License.Factories.LicenseFactory();
  const split = (name) =>
    name.startsWith('@')
      ? [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)]
      : [undefined, name];
  const purl = (name, version) => {
    const [group, base] = split(name);
    return new PackageURL('npm', group, base, version).toString();
  };
  const component = (name, version, licence) => {
    const [group, base] = split(name);
    const c = new CDX.Models.Component(CDX.Enums.ComponentType.Library, base, {
      group,
      version,
      bomRef: purl(name, version),
      purl: purl(name, version),
    });
    if (licence !== undefined && licence !== 'UNKNOWN')
      c.licenses.add(licenceFactory.makeFromString(licence));
    return c;
  };
  const top = component(manifest.name, manifest.version, manifest.license);
  bom.metadata.component = top;
  bom.metadata.timestamp = new Date(generatedAt);
  const made = new Map();
  const add = (nodes, parent) => {
    for (const node of nodes) {
      const key = `${node.name}@${node.version}`;
      let c = made.get(key);
      if (c === undefined) {
        c = component(node.name, node.version, node.licence);
        made.set(key, c);
        bom.components.add(c);
      }
      parent.dependencies.add(c.bomRef);
      add(node.dependencies, c);
    }
  };
  add(tree, top);
  const serializer = new CDX.Serialize.JsonSerializer(
    new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6),
  );
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

// ---------------------------------------------------------------- Markdown

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function renderTree(nodes, depth = 0) {
  return nodes.flatMap((n) => [
    `${'  '.repeat(depth)}- \`${n.name}@${n.version}\` (${n.licence}, ${n.source})`,
    ...renderTree(n.dependencies, depth + 1),
  ]);
}

function fuzzTable(title, run) {
  return [
    `${title}: fast-check, ${JSON.stringify(run.mode)}, seed ${String(run.seed)}, commit ` +
      `${String(run.commit)}, finished ${run.finishedAt}.`,
    '',
    '| Target | Result | Inputs | Failures | Seconds |',
    '|---|---|---:|---:|---:|',
    ...run.targets.map(
      (f) =>
        `| \`${f.target}\` | ${f.status}${f.reason ? ` (${cell(f.reason)})` : ''} | ` +
        `${String(f.inputs)} | ${String(f.failures)} | ${String(f.seconds)} |`,
    ),
    '',
  ];
}

function markdown(a) {
  const lines = [];
  const p = (...l) => lines.push(...l);
  p(`# Audit report: ${a.package.name}@${a.package.version}`, '');
  p(
    `Generated by \`pnpm audit:report\` (tooling/audit/report.mjs) on ${a.generatedAt}, from`,
    "what that run found: the package's manifest, build and lockfile, and the reports that the",
    'last `pnpm test`, `pnpm fuzz`, `pnpm residue` and, where a package has one, `pnpm timing`',
    'left on disk (those sections give their own dates). Nothing in this file is written by hand.',
    '',
  );

  p('## Runtime dependencies', '');
  if (a.dependencies.tree.length === 0) p('None.', '');
  else p(...renderTree(a.dependencies.tree), '');
  p(
    `Licences: ${
      Object.entries(a.dependencies.licences)
        .map(([l, n]) => `${l} (${String(n)})`)
        .join(', ') || 'none'
    }. CycloneDX 1.6 SBOM: \`sbom.cdx.json\`.`,
    '',
  );

  p('## Advisories', '');
  if (a.advisories.status === 'unreachable') {
    p(
      `**Not checked: the advisory service gave no answer on ${a.advisories.checkedOn}.** ` +
        `\`${a.advisories.command}\` exited with ${String(a.advisories.exitCode)}: ` +
        `\`${cell(a.advisories.error)}\`.`,
    );
    p('This report makes no claim that the dependencies are free of known advisories.', '');
  } else {
    const mine = a.advisories.advisories.filter((x) =>
      a.dependencies.flat.some((d) => d.startsWith(`${x.module}@`)),
    );
    p(
      `Checked on ${a.advisories.checkedOn} with \`${a.advisories.command}\`: ` +
        `${String(mine.length)} advisories affect this package's runtime dependencies.`,
    );
    for (const x of mine) p(`- ${x.module}: ${x.severity}, ${x.title} (${x.url})`);
    p('');
  }

  p('## Build', '', '| Entry | Raw bytes | Gzipped bytes |', '|---|---:|---:|');
  for (const e of a.build.entries)
    p(
      `| \`${e.file}\` | ${e.built ? String(e.bytes) : 'not built'} | ` +
        `${e.built ? String(e.gzipBytes) : ''} |`,
    );
  p('');
  if (a.build.exports.names.length > 0) {
    p(
      `Public exports of \`${a.build.exports.entry}\`: ` +
        `${a.build.exports.names.map((e) => `\`${e.name}\` (${e.kind})`).join(', ')}.`,
      '',
    );
  } else {
    p(`Public exports: none${a.build.exports.note ? ` (${a.build.exports.note})` : ''}.`, '');
  }

  p('## Tests and coverage', '');
  const t = a.tests;
  if (t.report === null)
    p('**No vitest report** (`reports/vitest.json`): run `pnpm test` first.', '');
  else {
    p(
      `${String(t.passed)} passed, ${String(t.failed)} failed, ${String(t.skipped)} skipped, ` +
        `in ${String(t.testFiles.length)} test files ` +
        `(${String(t.propertyFiles.length)} with fast-check properties).` +
        (t.stale ? ' **The report is older than the sources: rerun `pnpm test`.**' : ''),
    );
    if (t.brokenSuites.length) p(`Suites that failed to load: ${t.brokenSuites.join(', ')}.`);
    p('');
  }
  if (t.coverage === null) p('No coverage summary (`coverage/coverage-summary.json`).', '');
  else {
    const c = t.coverage;
    p(
      `Coverage (v8): lines ${String(c.lines.pct)}% ` +
        `(${String(c.lines.covered)}/${String(c.lines.total)}), ` +
        `branches ${String(c.branches.pct)}% ` +
        `(${String(c.branches.covered)}/${String(c.branches.total)}), ` +
        `functions ${String(c.functions.pct)}%.`,
      '',
    );
  }

  p('## Fuzzing', '');
  if (a.fuzz === null) p('No fuzz results (`tooling/fuzz/results.json`): run `pnpm fuzz`.', '');
  else if (a.fuzz.targets.length === 0) p('No fuzz target covers this package.', '');
  else p(...fuzzTable('Short pass', a.fuzz));
  if (a.fuzzLong === null) {
    p('No long run on record (`pnpm fuzz --minutes 60` writes `results-long.json`).', '');
  } else if (a.fuzzLong.targets.length > 0) p(...fuzzTable('Long run', a.fuzzLong));

  if (a.timing !== undefined) p(...timingSection(a.timing));

  p(
    '## Requirement trace',
    '',
    '| ID | Requirement | Status | Tests carrying the ID |',
    '|---|---|---|---|',
  );
  for (const r of a.trace) {
    const shown = r.tests
      .slice(0, 6)
      .map((x) => `${x.status === 'passed' ? '✓' : '✗'} ${cell(x.title)}`)
      .join('<br>');
    const more = r.tests.length > 6 ? `<br>… and ${String(r.tests.length - 6)} more` : '';
    p(`| ${r.id} | ${cell(r.requirement)} | ${r.status} | ${shown || '—'}${more} |`);
  }
  p('');
  const missing = a.trace.filter((r) => r.status !== 'tested');
  p(
    missing.length === 0
      ? 'Every applicable requirement has a passing test.'
      : `**Without a passing test: ${missing.map((r) => r.id).join(', ')}.**`,
    '',
  );
  p('Enforced by the compiler and lint configuration rather than by tests:', '');
  for (const e of a.enforcedByTooling) p(`- ${e.id}: ${e.how} Evidence: ${e.evidence}.`);
  p('');

  p(
    '## Review checklist (security-spec.md 8.1)',
    '',
    '| Item | Status | Evidence |',
    '|---|---|---|',
  );
  for (const c of a.checklist) p(`| ${cell(c.item)} | ${c.status} | ${cell(c.evidence)} |`);
  p('');
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- main

const advisoryFacts = await advisories();
const eslintConfig = eslintConfigFacts();
const residue = residueFacts();
const lints = new Map();
// Two lint processes at a time: each type-checks its package and takes several seconds.
for (let i = 0; i < packageDirs.length; i += 2) {
  const batch = packageDirs.slice(i, i + 2);
  const done = await Promise.all(batch.map((dir) => lintFacts(dir)));
  batch.forEach((dir, j) => lints.set(dir, done[j]));
}

let failing = 0;
for (const dir of packageDirs) {
  const manifest = manifests.get(dir);
  const { table, error: licenceError } = await licenceTable(manifest.name);
  const tree = await dependencyTree(manifest, table);
  const flat = [...flatten(tree).values()];
  const licences = {};
  for (const node of flat) licences[node.licence] = (licences[node.licence] ?? 0) + 1;
  const tests = testFacts(dir);
  const ids = config.packages[dir] ?? [];
  const traced = trace(ids, tests.tests);
  const source = sourceFacts(dir);
  const ts = tsconfigFacts(dir);
  const lint = lints.get(dir);
  const fuzz = fuzzFacts(dir);
  const fuzzLong = fuzzFacts(dir, 'results-long.json');
  const enforcedByTooling = [
    {
      id: 'SEC-SECRET-002',
      how: config.enforcedByTooling['SEC-SECRET-002'],
      evidence:
        `no-non-null-assertion ${eslintConfig.noNonNullAssertion ? 'on' : 'OFF'}, ` +
        `TSNonNullExpression ${eslintConfig.nonNullSyntaxBanned ? 'banned' : 'NOT banned'}, ` +
        `only-throw-error ${eslintConfig.onlyThrowError ? 'on' : 'OFF'}; ` +
        `lint ${lint.ran ? (lint.passed ? 'passed' : 'FAILED') : 'not run'}`,
    },
    {
      id: 'SEC-SECRET-003',
      how: config.enforcedByTooling['SEC-SECRET-003'],
      evidence: `noUncheckedIndexedAccess ${ts.noUncheckedIndexedAccess ? 'on' : 'OFF'} here`,
    },
  ];
  const audit = {
    generatedAt,
    package: {
      name: manifest.name,
      version: manifest.version,
      license: manifest.license,
      directory: `packages/${dir}`,
    },
    dependencies: {
      tree,
      flat: flat.map((n) => `${n.name}@${n.version}`).sort(),
      licences,
      ...(licenceError ? { licenceError } : {}),
    },
    advisories: advisoryFacts,
    build: { entries: entriesOf(dir, manifest), exports: await publicExports(dir, manifest) },
    tests: { ...tests, tests: undefined, lint },
    source: {
      files: source.files,
      console: source.console,
      foreignThrows: source.foreignThrows,
      lintSuppressions: source.lintSuppressions,
    },
    fuzz,
    fuzzLong,
    timing: await timingFacts(dir, manifest),
    residue:
      residue === null
        ? null
        : { passed: residue.passed, finishedAt: residue.finishedAt, path: residue.path },
    trace: traced,
    enforcedByTooling,
    checklist: checklist({
      lint,
      source,
      ts,
      eslintConfig,
      traced,
      tests,
      fuzz,
      fuzzLong,
      commit: await headCommit(),
      residue,
      dir,
    }),
  };
  delete audit.tests.tests;
  const pkgDir = join(root, 'packages', dir);
  writeFileSync(join(pkgDir, 'audit.json'), `${JSON.stringify(audit, null, 2)}\n`);
  writeFileSync(join(pkgDir, 'AUDIT.md'), markdown({ ...audit, tests }));
  writeFileSync(join(pkgDir, 'sbom.cdx.json'), sbom(manifest, tree));

  const missing = traced.filter((r) => r.status !== 'tested');
  const notMet = audit.checklist.filter((c) => c.status === NOT_MET).length;
  const summary =
    tests.report === null
      ? 'no test report'
      : `${String(tests.passed)} passed, ${String(tests.failed)} failed`;
  console.log(
    `${manifest.name.padEnd(24)} ${summary}; ` +
      `trace ${String(traced.length - missing.length)}/${String(traced.length)}; ` +
      `checklist ${String(audit.checklist.filter((c) => c.status === MET).length)} met, ` +
      `${String(notMet)} not met`,
  );
  if (missing.length > 0) {
    failing += 1;
    console.log(
      `  without a passing test: ${missing.map((r) => `${r.id} (${r.status})`).join(', ')}`,
    );
  }
}
console.log(
  advisoryFacts.status === 'unreachable'
    ? `advisories: NOT CHECKED, the service gave no answer (${advisoryFacts.error.slice(0, 120)})`
    : `advisories: ${String(advisoryFacts.advisories.length)} reported`,
);
process.exitCode = failing > 0 ? 1 : 0;

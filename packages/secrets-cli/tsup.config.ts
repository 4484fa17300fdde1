import { packageBuild } from '../../tooling/tsup.shared.js';

// A command, not a library: one ESM entry with a shebang, no declarations.
export default packageBuild({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
});

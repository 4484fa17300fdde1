import { packageBuild } from '../../tooling/tsup.shared.js';

export default packageBuild({ platform: 'node' });

import path from 'node:path';
import { projectRoot } from '../../common/paths';

export const TEST_BUNDLE = path.join(projectRoot, '.stack', 'test', 'workflow-bundle.js');
/** The versioned workers' bundle (workflows/versioned.ts), built beside TEST_BUNDLE by the suite's global setup. */
export const TEST_BUNDLE_VERSIONED = path.join(projectRoot, '.stack', 'test', 'workflow-bundle-versioned.js');
export const ARTIFACTS = path.join(projectRoot, 'test-artifacts');
export const DIST = path.join(projectRoot, 'dist');

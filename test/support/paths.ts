import path from 'node:path';
import { projectRoot } from '../../common/paths';

export const TEST_BUNDLE = path.join(projectRoot, '.stack', 'test', 'workflow-bundle.js');
export const ARTIFACTS = path.join(projectRoot, 'test-artifacts');
export const DIST = path.join(projectRoot, 'dist');

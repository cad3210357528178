/**
 * A deploy's second build, made for a test: a copy of workflows/ whose render stage runs `change` first,
 * bundled. The stage's module is wrapped, not edited: its original is kept beside it and the wrapper re-exports
 * everything else, so the proof does not depend on how any workflow file is written. It sits inside the project
 * so that its imports of ../common and of node_modules resolve as the real folder's do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../common/paths';
import { writeWorkflowBundle } from '../../workers/workflowBundle';
import type * as renderStage from '../../workflows/generate/loop/renderImages';

/** The stage the proof changes; importing it here makes a rename or a move a compile error, not a silent no-op. */
const STAGE = { file: path.join('generate', 'loop', 'renderImages.ts'), name: 'renderImages' } as const satisfies {
  file: string;
  name: keyof typeof renderStage;
};

/**
 * `change` is workflow code run before each render; it may use proofPatched and proofSleep. `entry` is the
 * workflows' entry point: 'versioned' for a versioned worker's bundle. Answers the bundle's path.
 */
export async function bundleChangedWorkflows(name: string, change: string, entry: 'index' | 'versioned' = 'index'): Promise<string> {
  const root = path.join(projectRoot, '.stack', 'test', 'deploy-proof', name);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.cpSync(path.join(projectRoot, 'workflows'), path.join(root, 'workflows'), { recursive: true });
  fs.symlinkSync(path.join(projectRoot, 'common'), path.join(root, 'common'));
  const file = path.join(root, 'workflows', STAGE.file);
  const original = `${path.basename(file, '.ts')}Original`;
  fs.renameSync(file, path.join(path.dirname(file), `${original}.ts`));
  fs.writeFileSync(
    file,
    [
      "import { patched as proofPatched, sleep as proofSleep } from '@temporalio/workflow';",
      `import * as stage from './${original}';`,
      `export * from './${original}';`,
      `export async function ${STAGE.name}(...args: Parameters<typeof stage.${STAGE.name}>): ReturnType<typeof stage.${STAGE.name}> {`,
      change,
      `  return stage.${STAGE.name}(...args);`,
      '}',
      '',
    ].join('\n'),
  );
  const bundle = path.join(root, 'workflow-bundle.js');
  await writeWorkflowBundle(bundle, path.join(root, 'workflows', entry === 'index' ? '' : `${entry}.ts`));
  return bundle;
}

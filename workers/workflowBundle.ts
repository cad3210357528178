/**
 * Workers load a workflow bundle built once at `npm run build` (dist/workflow-bundle.js, and
 * dist/workflow-bundle-versioned.js for versioned workers: workflows/versioned.ts) when it exists, so a worker
 * starts in seconds; otherwise they bundle the workflows folder at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import { projectRoot } from '../common/paths';
import { FAILURE_CONVERTER_PATH } from '../security/dataConverter';

export const PREBUILT_BUNDLE = path.join(projectRoot, 'dist', 'workflow-bundle.js');
const PREBUILT_VERSIONED_BUNDLE = path.join(projectRoot, 'dist', 'workflow-bundle-versioned.js');
/** The entry point of a versioned worker's workflows: the same workflows, annotated with their versioning behavior. */
export const VERSIONED_WORKFLOWS = path.join(projectRoot, 'workflows', 'versioned.ts');

export function workflowSource(versioned = false): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const prebuilt = versioned ? PREBUILT_VERSIONED_BUNDLE : PREBUILT_BUNDLE;
  if (process.env.IMAGE_AGENT_BUNDLE !== 'off' && fs.existsSync(prebuilt) && __filename.endsWith('.js')) {
    return { workflowBundle: { codePath: prebuilt } };
  }
  return { workflowsPath: versioned ? require.resolve('../workflows/versioned') : require.resolve('../workflows') };
}

/** The workflow interceptors for a worker that bundles at start (a prebuilt bundle already has them). */
export function workflowInterceptorModules(source: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>): string[] {
  return source.workflowBundle ? [] : WORKFLOW_INTERCEPTOR_MODULES;
}

/**
 * WORKFLOW_INTERCEPTOR_MODULES without the tracing module: the bench measures what it still costs a run. Not for
 * workers: histories recorded with OpenTelemetry's interceptors do not replay without them ([TMPRL1100] on every run
 * with an update).
 */
export const UNTRACED_INTERCEPTOR_MODULES = [require.resolve('../workflows/tenantHeader'), require.resolve('../workflows/budgetGate')];

/**
 * Workflow interceptor modules compiled into the bundle (a prebuilt bundle ignores WorkerOptions'
 * workflowModules): OpenTelemetry spans for the runs that are traced (workflows/workflowTracing.ts), the run's
 * tenant as a header of every activity (workflows/tenantHeader.ts), and the budget gate (workflows/budgetGate.ts).
 * They add no commands (the gate only when a call is refused, and the tracing module a patch marker on a new
 * untraced run), so histories recorded without them replay with them (SDK flags gate the rest).
 */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [require.resolve('../workflows/workflowTracing'), ...UNTRACED_INTERCEPTOR_MODULES];

export async function writeWorkflowBundle(
  outFile: string,
  workflowsPath = path.join(projectRoot, 'workflows'),
  interceptorModules = WORKFLOW_INTERCEPTOR_MODULES,
): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: interceptorModules,
    // Failure messages inside encoded (so encrypted) attributes, for failures the workflows themselves raise.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
  });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
}

if (require.main === module) {
  (process.argv[2]
    ? writeWorkflowBundle(process.argv[2])
    : writeWorkflowBundle(PREBUILT_BUNDLE).then(() => writeWorkflowBundle(PREBUILT_VERSIONED_BUNDLE, VERSIONED_WORKFLOWS))
  ).catch((err: unknown) => {
    console.error(`bundling workflows failed: ${(err as Error).message}`);
    process.exit(1);
  });
}

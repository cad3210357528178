/** The GPU queue is named after the orchestration queue, so a deployment (or a test) configures one name. */
export function gpuTaskQueueFor(orchestrationQueue: string): string {
  return `${orchestrationQueue}-gpu`;
}

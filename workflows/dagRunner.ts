/**
 * Runs nodes in dependency order, the way grounding runs its questions and an image set its images: every
 * node whose dependencies are done starts at once, and the next ones start as each finishes. A node that
 * throws stops new starts; the runner lets the running ones settle and then throws the first error, so no
 * branch is ever left without a handler (an unhandled rejection would fail the workflow task over and over).
 */
export interface DagNode {
  id: string;
  dependsOn: readonly string[];
}

export async function runDag<N extends DagNode, R>(
  nodes: readonly N[],
  start: (node: N, index: number, done: ReadonlyMap<string, R>) => Promise<R>,
): Promise<Map<string, R>> {
  const done = new Map<string, R>();
  const pending = new Map(nodes.map((node, index) => [node.id, { node, index }]));
  const running = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;

  while (pending.size || running.size) {
    if (!failure) {
      for (const [id, { node, index }] of pending) {
        if (!node.dependsOn.every((d) => done.has(d))) continue;
        pending.delete(id);
        const settled = start(node, index, done).then(
          (result) => {
            done.set(id, result);
            running.delete(id);
          },
          (error: unknown) => {
            failure ??= { error };
            running.delete(id);
          },
        );
        running.set(id, settled);
      }
    }
    // Nothing running: only unsatisfiable dependencies remain (validated away by the planner), or a failure.
    if (!running.size) break;
    await Promise.race(running.values());
  }
  if (failure) throw failure.error;
  return done;
}

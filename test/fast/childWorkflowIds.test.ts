/**
 * parentIdCandidates finds a child's parent among known runs by a few map lookups. It must pick what the
 * definition (childIdPrefixes, checked against every known run, longest id first) picks, for any ids.
 */
import { childIdPrefixes, parentIdCandidates } from '../../common/childWorkflowIds';

/** The definition: every known run whose children's prefixes start the id, the longest. */
function parentByScan(known: Set<string>, childId: string): string | undefined {
  let best: string | undefined;
  for (const id of known) if (childIdPrefixes(id).some((p) => childId.startsWith(p)) && (!best || id.length > best.length)) best = id;
  return best;
}

function parentByCandidates(known: Set<string>, childId: string): string | undefined {
  return parentIdCandidates(childId).find((id) => known.has(id));
}

/** A small deterministic generator: ids built from few parts, so that parents, lookalikes and batch cases collide often. */
function* randomIds(seed: number, count: number): Generator<string> {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  const parts = ['batch', 'img', 'a', 'case', 'turn', '7', 'image', '1', ''];
  for (let i = 0; i < count; i++) {
    const n = 1 + (next() % 5);
    yield Array.from({ length: n }, () => parts[next() % parts.length]).join('-');
  }
}

describe('parentIdCandidates', () => {
  test('names the parents of the ids runs give their children, longest first', () => {
    expect(parentIdCandidates('run-1-image-2')).toEqual(['run-1-image', 'run-1', 'run']);
    expect(parentIdCandidates('b7-case-3')).toEqual(['batch-b7', 'b7-case', 'b7']);
    expect(parentIdCandidates('single')).toEqual([]);
  });

  test('picks the parent the scan of every known run picks, for 20,000 generated ids', () => {
    // Temporal refuses an empty workflow id, so no run has one.
    const known = new Set([...randomIds(1, 300)].filter((id) => id !== ''));
    let withParent = 0;
    for (const childId of randomIds(2, 20_000)) {
      const expected = parentByScan(known, childId);
      if (expected !== undefined) withParent++;
      expect(parentByCandidates(known, childId)).toBe(expected);
    }
    // The generator must produce children that have parents, or the comparison above proves nothing.
    expect(withParent).toBeGreaterThan(5_000);
  });
});

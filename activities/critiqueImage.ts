/**
 * critique: the VLM judges the rendered candidate against the checklist, item by item (pass, fail or
 * unverified). Where the request itself names a size ("a 1920x1080 banner"), an image of another size fails
 * an extra "size" item, whatever the critic says.
 */
import sharp from 'sharp';
import { critiqueCounts, verdict, type ChecklistItem, type Critique, type Verdict } from '../common/generation';
import type { AgentDeps } from './agentDeps';
import { assertReadable } from './currentWorkflow';

export interface CritiqueImageInput {
  request: string;
  imageKey: string;
  checklist: ChecklistItem[];
  referenceKeys: string[];
}

/** The id of the extra item an image of the wrong size fails. */
const SIZE_ITEM_ID = 'size';

export function critiqueImageActivity(deps: Pick<AgentDeps, 'models' | 'store'>) {
  return async function critiqueImage(input: CritiqueImageInput): Promise<Critique> {
    const keys = [input.imageKey, ...input.referenceKeys];
    keys.forEach(assertReadable);
    const [png, ...references] = await Promise.all(keys.map((k) => deps.store.get(k)));
    const { value, calls } = await deps.models.critic.critique({ request: input.request, png: png!, checklist: input.checklist, references });
    const verdicts: Verdict[] = [...value];
    const sizeVerdict = await checkNamedSize(input.request, png!);
    if (sizeVerdict) verdicts.push(sizeVerdict);
    const total = input.checklist.length + (sizeVerdict ? 1 : 0);
    const counts = critiqueCounts({ verdicts, total });
    return {
      verdicts,
      passed: counts.passed,
      ...(counts.unverified ? { unverified: counts.unverified } : {}),
      total,
      provider: deps.models.critic.provider,
      model: deps.models.critic.model,
      calls,
    };
  };
}

/** A failed "size" verdict when the request names a size (WxH) and the image has another one. */
async function checkNamedSize(request: string, png: Buffer): Promise<Verdict | undefined> {
  const named = /\b(\d{2,5})\s*[x×]\s*(\d{2,5})\b/.exec(request);
  if (!named) return undefined;
  const meta = await sharp(png).metadata();
  const [w, h] = [Number(named[1]), Number(named[2])];
  if (meta.width === w && meta.height === h) return undefined;
  return verdict(SIZE_ITEM_ID, 'fail', `the request names ${w}x${h}; the image is ${meta.width ?? '?'}x${meta.height ?? '?'}`);
}

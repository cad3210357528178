/**
 * Zero-key critic. It cannot look at an image, so it never claims an item passed: for images drawn by the
 * offline renderer it reads the embedded layout (the composed prompt) and reports `fail` where the prompt
 * lacks what the item needs (or holds what it must not: then the image cannot be right) and `unverified`
 * otherwise — the prompt asked for it, but nobody looked. For any other image every item is `unverified`.
 */
import { verdict, type Verdict } from '../../common/generation';
import type { Modelled } from '../../common/modelCall';
import type { CritiqueInput, ImageCritic } from '../agentRoles';
import { offlineCall } from './offlineCall';
import { readOfflineLayout } from './offlineImageModel';
import { checklistTerms, coverage, stem, words } from './textTools';

const REQUIRED_COVERAGE = 0.75;
const NOT_LOOKED = 'no model looked at the image (offline critic)';

export class OfflineCritic implements ImageCritic {
  readonly provider = 'offline' as const;
  readonly model = 'offline-layout-critic';

  async critique(input: CritiqueInput): Promise<Modelled<Verdict[]>> {
    const started = Date.now();
    const layout = await readOfflineLayout(input.png);
    const value: Verdict[] = input.checklist.map((item) => {
      if (layout === undefined) return verdict(item.id, 'unverified', `${NOT_LOOKED}: not an offline render, and there is no VLM to judge it`);
      const negative = /\b(contains|has|shows) no ([\p{L} -]+)$/iu.exec(item.statement);
      if (negative) {
        const outsideAvoid = layout.replace(/Avoid:[^\n.]*\.?/gi, '');
        const present = new RegExp(`(?<![\\p{L}])${escapeRegExp(negative[2]!.trim())}(?![\\p{L}])`, 'iu').test(outsideAvoid);
        return present
          ? verdict(item.id, 'fail', `"${negative[2]}" is in the composed prompt the image was drawn from`)
          : verdict(item.id, 'unverified', `${NOT_LOOKED}; the composed prompt does not ask for "${negative[2]}"`);
      }
      const terms = checklistTerms(item.statement);
      const share = coverage(terms, layout);
      if (share < REQUIRED_COVERAGE) {
        const have = new Set(words(layout).map(stem));
        return verdict(item.id, 'fail', `the composed prompt lacks ${terms.filter((t) => !have.has(t)).join(', ')}: the image cannot show it`);
      }
      return verdict(item.id, 'unverified', `${NOT_LOOKED}; the composed prompt asks for it (${Math.round(share * 100)}% of its key terms)`);
    });
    return { value, calls: [offlineCall('critique_image', this.model, input.checklist.map((c) => c.statement).join('\n'), JSON.stringify(value), started)] };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

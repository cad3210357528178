/**
 * Zero-key critic: it cannot see, so it checks what it can. For images drawn by the offline renderer it reads
 * the embedded layout text and checks each item's key terms are there (and that "no X" items' X is absent
 * outside the Avoid line). For any other image it fails every item, saying it cannot verify.
 */
import type { Verdict } from '../../common/generation';
import type { Modelled } from '../../common/modelCall';
import type { CritiqueInput, ImageCritic } from '../agentRoles';
import { offlineCall } from './offlineCall';
import { readOfflineLayout } from './offlineImageModel';
import { checklistTerms, coverage } from './textTools';

const REQUIRED_COVERAGE = 0.75;

export class OfflineCritic implements ImageCritic {
  readonly provider = 'offline' as const;
  readonly model = 'offline-layout-critic';

  async critique(input: CritiqueInput): Promise<Modelled<Verdict[]>> {
    const started = Date.now();
    const layout = await readOfflineLayout(input.png);
    const value: Verdict[] = input.checklist.map((item) => {
      if (layout === undefined) return { itemId: item.id, pass: false, reason: 'offline critic: not an offline render, cannot verify without a VLM' };
      const negative = /\b(contains|has|shows) no ([\p{L} -]+)$/iu.exec(item.statement);
      if (negative) {
        const outsideAvoid = layout.replace(/Avoid:[^\n.]*\.?/gi, '');
        const present = new RegExp(`(?<![\\p{L}])${escapeRegExp(negative[2]!.trim())}(?![\\p{L}])`, 'iu').test(outsideAvoid);
        return {
          itemId: item.id,
          pass: !present,
          reason: present ? `"${negative[2]}" is in the rendered layout` : `"${negative[2]}" is absent from the rendered layout`,
        };
      }
      const terms = checklistTerms(item.statement);
      const share = coverage(terms, layout);
      return {
        itemId: item.id,
        pass: share >= REQUIRED_COVERAGE,
        reason: `offline critic: ${Math.round(share * 100)}% of the item's key terms (${terms.join(', ')}) are in the rendered layout`,
      };
    });
    return { value, calls: [offlineCall('critique_image', this.model, input.checklist.map((c) => c.statement).join('\n'), JSON.stringify(value), started)] };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Zero-key profile extraction: the common ways people state who they are, what style they like and what they dislike. */
import type { UserProfile } from '../../common/evidence';
import type { Modelled } from '../../common/modelCall';
import type { ProfileExtractor } from '../agentRoles';
import { offlineCall } from './offlineCall';

const STYLE_WORDS =
  /\b(watercolou?r|oil paint(ing)?|pixel art|minimalis[tm]|flat design|flat|anime|manga|photo(graphic|realistic)|3d|isometric|sketch|pencil|line art|vintage|retro|art deco|cartoon|comic|ukiyo-e|impressionis[tm]|cyberpunk|pastel|noir)\b/i;
const END = String.raw`(?=,|\.|;|!|\?| and | but | who | which |$)`;

export class OfflineProfiler implements ProfileExtractor {
  async extract(input: { request: string; profile: UserProfile }): Promise<Modelled<UserProfile>> {
    const started = Date.now();
    const text = input.request;
    const value: UserProfile = {};
    const role = new RegExp(String.raw`\b(?:i'm|i am|i work as)\s+(?:an?\s+)?([\p{L} -]{3,40}?)${END}`, 'iu').exec(text);
    if (role && !/\b(going|trying|looking|not|so|very|happy|sad|tired)\b/i.test(role[1]!)) value.profession = role[1]!.trim();
    const style = /\bmy (?:usual|preferred|favou?rite|house) style is ([\p{L} -]{3,40})/iu.exec(text);
    const loves = [
      ...text.matchAll(new RegExp(String.raw`\b(?:i\s+)?(?:love|loves|like|likes|prefer|prefers|enjoy|enjoys)\s+([\p{L} -]{3,40}?)${END}`, 'giu')),
    ].map((m) => m[1]!.trim());
    const dislikes = [
      ...text.matchAll(
        new RegExp(
          String.raw`\b(?:dislike|dislikes|hate|hates|don't like|do not like|can't stand|cannot stand)\s+(?:the colou?r\s+)?([\p{L} -]{2,40}?)${END}`,
          'giu',
        ),
      ),
    ].map((m) => m[1]!.trim());
    if (style) value.preferredStyle = style[1]!.trim();
    else {
      const styled = loves.find((l) => STYLE_WORDS.test(l));
      if (styled) value.preferredStyle = styled;
    }
    const likes = loves.filter((l) => l !== value.preferredStyle);
    if (likes.length) value.likes = likes;
    if (dislikes.length) value.dislikes = dislikes;
    return { value, calls: [offlineCall('extract_profile', 'offline-rule-profiler', text, JSON.stringify(value), started)] };
  }
}

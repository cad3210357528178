/**
 * The zero-key planner: rules instead of an LLM. It finds the common kinds of missing context the paper
 * names (arithmetic and commonsense → reason; time-dependent or precise facts → web search; explicit
 * character/person references → image search; "me"/"my"/earlier outputs → memory) and splits decks and sets
 * into several images. It is deliberately conservative: a plain request gets no questions.
 */
import type { Modelled } from '../../common/modelCall';
import type { ContextPlan, PlannedImage, PlannedQuestion } from '../../common/plan';
import type { ContextPlanner, PlanContextInput } from '../agentRoles';
import { findArithmetic, findConversion, findRelativeDate } from './arithmetic';
import { offlineCall } from './offlineCall';

const NUMBER_WORDS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

const DYNAMIC =
  /\b(today|tonight|tomorrow|yesterday|this (week|weekend|month)|current(ly)?|latest|right now|live|forecast|weather|temperature|stock|shares?|share price|closing price|last close|close[ds]?|market|exchange rate|score[sd]?|final score|match|fixture|election|news|headline|release date|recent(ly)?|newest|price of)\b/i;
const EXPLICIT_DATE =
  /\b(\d{4}-\d{2}-\d{2}|\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2},? \d{4})\b/i;
const PERSONAL = /\b(me|my|mine|myself|i'm|i am|our|ours|us|usual|as before|like last time|from before|earlier|previous(ly)?|again)\b/i;
const REFERENCE =
  /\b(reference|looks? like|likeness|character from|from the (game|movie|film|anime|show|series)|portrait of the real|in the game|in the anime|in the film)\b/i;
const REASONING =
  /\b(as many|how many|answer|solve|solution|result of|correct (path|answer|way)|maze|triangle|angle|hypotenuse|after (an|one|\d+) hours?|left (out|in)|what (tool|happens)|which (tool|one)|uses? to|the tool|equation|sum of|product of|half of|twice|double|the number of)\b/i;

export class OfflinePlanner implements ContextPlanner {
  async planContext(input: PlanContextInput): Promise<Modelled<ContextPlan>> {
    const started = Date.now();
    const request = input.request.trim();
    const questions: PlannedQuestion[] = [];
    const add = (route: PlannedQuestion['route'], question: string, rationale: string, dependsOn: string[] = []): string => {
      const id = `q${questions.length + 1}`;
      questions.push({ id, question, route, dependsOn, rationale });
      return id;
    };

    let memoryId: string | undefined;
    if (PERSONAL.test(request)) {
      memoryId = add(
        'memory',
        `What do we know about this user and their earlier outputs that matters for: ${request}`,
        'the request refers to the user or to earlier work',
      );
    }
    const arithmetic = findArithmetic(request);
    if (arithmetic) add('reason', `What is ${arithmetic}?`, 'the request hides a number behind arithmetic');
    const conversion = findConversion(request);
    if (conversion) add('reason', `What is ${conversion.expression}?`, 'the request asks for a unit conversion');
    const relative = findRelativeDate(request, input.today);
    if (relative && relative.phrase !== 'today')
      add('reason', `Which date is "${relative.phrase}" (today is ${input.today})?`, 'the request names a date relative to today');
    if (DYNAMIC.test(request) || EXPLICIT_DATE.test(request)) {
      add('web_search', `${request.replace(/[.!?]+$/, '')} (as of ${input.today})`, 'precise or time-dependent facts must be looked up');
    }
    if (REFERENCE.test(request))
      add('image_search', `What does the named character or person in "${request}" look like?`, 'an explicit reference to a specific character or person');
    if (!arithmetic && !conversion && REASONING.test(request)) {
      add('reason', `What exactly must the image show to answer: ${request}`, 'the request states a problem, not the picture', memoryId ? [memoryId] : []);
    }

    const images = splitImages(request);
    const value: ContextPlan = {
      intent: request.length > 120 ? `${request.slice(0, 117)}…` : request,
      questions,
      images,
      ...(images.length > 1 ? { sharedStyle: 'one consistent palette, typography and illustration style across the set' } : {}),
    };
    return { value, calls: [offlineCall('plan_context', 'offline-rule-planner', request, JSON.stringify(value), started)] };
  }
}

/** Decks, slide sets and "a X and a Y" product sets become several images; panels stay one image. */
function splitImages(request: string): PlannedImage[] {
  const count = /\b(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)[- ](slides?|pages?|posters?|cards?|images?|pictures?|variations?)\b/i.exec(request);
  const n = count ? (NUMBER_WORDS[count[1]!.toLowerCase()] ?? Number(count[1])) : 0;
  if (n >= 2 && n <= 12 && !/panel/i.test(count![0])) {
    const unit = count![2]!.replace(/s$/i, '').toLowerCase();
    return Array.from({ length: n }, (_, i) => ({
      id: `${unit}-${i + 1}`,
      brief: `${unit} ${i + 1} of ${n}${i === 0 ? ' (sets the shared style)' : ''}: ${request}`,
      dependsOn: i === 0 ? [] : [`${unit}-1`],
    }));
  }
  const pair = /\bon (?:a|an|the) ([\w-]+) and (?:a|an|the) ([\w-]+)\b/i.exec(request);
  if (pair) {
    return [pair[1]!, pair[2]!].map((thing) => ({ id: thing.toLowerCase(), brief: `the ${thing}: ${request}`, dependsOn: [] }));
  }
  return [{ id: 'image-1', brief: request, dependsOn: [] }];
}

/** What the offline reasoner computes for real (mathjs), and the whole-statement checklist it feeds. */
import { evaluateArithmetic, findArithmetic, findConversion, findRelativeDate } from '../providers/offline/arithmetic';
import { OfflineChecklistPlanner } from '../providers/offline/offlineChecklist';
import { OfflineReasoner } from '../providers/offline/offlineReasoner';
import { lexicalRelevance } from '../providers/relevance';
import type { WebSearch } from '../providers/search/webSearch';

const noCorpus: WebSearch = { name: 'none', search: async () => [] };
const reasoner = new OfflineReasoner(noCorpus);
const reason = (request: string, question = request, today = '2026-07-15') => reasoner.answer({ request, question, parents: [], today }).then((r) => r.value);

describe('offline reasoning', () => {
  test.each([
    ['as many apples as 3 squared minus 2, on a wooden table', 7],
    ['as many apples as 3²−2', 7],
    ['a carton with half of a dozen eggs', 6],
    ['as many stars as 2 to the power of 3 plus 1', 9],
    ['as many candles as the square root of 16 times 2', 8],
  ])('arithmetic in words and symbols: %s = %d', async (request, value) => {
    const expr = findArithmetic(request);
    expect(expr).toBeDefined();
    expect(evaluateArithmetic(expr!)).toBe(value);
    expect((await reason(request)).answer).toBe(String(value));
  });

  test('no arithmetic where there is none; unit conversions and relative dates are computed; the rest is "no answer"', async () => {
    for (const plain of ['a forecast card for Hangzhou on 2026-07-15', 'a 3-4 year old child reading', 'a poster for our launch'])
      expect(findArithmetic(plain)).toBeUndefined();
    expect(findConversion('a road sign: 5 miles in km')).toEqual({ expression: '5 miles in km', result: '8.05 km' });
    expect(findConversion('a thermometer at 30 °C in fahrenheit')?.result).toBe('86 fahrenheit');
    expect(findRelativeDate('a party invitation for 10 days from today', '2026-07-15')).toMatchObject({ iso: '2026-07-25', weekday: 'Saturday' });
    expect(findRelativeDate('the market next Friday', '2026-07-15')).toMatchObject({ iso: '2026-07-17' });
    expect((await reason('a road sign: 5 miles in km')).answer).toBe('8.05 km');
    expect((await reason('a banner for the sale the day after tomorrow')).answer).toBe('2026-07-17');
    expect(await reason('what colour is the mood of Tuesday')).toEqual({ answer: '', items: [] });
  });

  test('the checklist holds whole statements with the computed count, and no memory text', async () => {
    const request = 'as many apples as 3 squared minus 2, on a wooden table';
    const answer = await reason(request, 'What is 3² − 2?');
    const { value } = await new OfflineChecklistPlanner().planChecklist({
      request,
      plan: { intent: request, questions: [], images: [{ id: 'image-1', brief: request, dependsOn: [] }] },
      answers: [
        {
          questionId: 'q1',
          question: 'What is 3² − 2?',
          route: 'reason',
          status: 'answered',
          ...answer,
          references: [],
          via: 'offline',
          calls: [],
          durationMs: 0,
        },
        {
          questionId: 'q2',
          question: 'memory',
          route: 'memory',
          status: 'answered',
          answer: 'earlier request: a launch poster',
          items: [{ text: 'earlier request: a launch poster', sources: [] }],
          references: [],
          via: 'postgres',
          calls: [],
          durationMs: 0,
        },
      ],
    });
    expect(value.map((c) => c.statement)).toEqual(['The image shows exactly 7 apples, on a wooden table']);
    // The relevance gate's score: names and dates weigh twice, so a match on the city alone is not enough.
    expect(lexicalRelevance('a forecast card for Hangzhou on 2026-07-15', 'Final score, Sunday 12 July 2026: Hangzhou Harbour FC 2').score).toBeLessThan(0.5);
    expect(lexicalRelevance('a forecast card for Hangzhou on 2026-07-15', 'Hangzhou. Forecast for Wednesday 15 July 2026: thundershowers').score).toBe(1);
  });
});

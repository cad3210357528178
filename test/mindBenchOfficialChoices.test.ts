/**
 * MindBench official mode: the official evaluator's choices on a fixture with string-image world knowledge,
 * a list of images, a judge refusal and a missing image, down to the exact lines of results.jsonl.
 */
import path from 'node:path';
import { computeMindBenchMetrics, type MindBenchCaseResult } from '../benchmarks/mindBench/metrics';
import { formatMindBenchResults } from '../benchmarks/mindBench/results';
import { judgeReferenceImages, loadMindBenchSuite } from '../benchmarks/mindBench/suite';
import { parseChecklistJudgement } from '../benchmarks/judge/checklistJudge';
import { projectRoot } from '../common/paths';

const DIR = path.join(projectRoot, 'benchmarks', 'fixtures', 'mindbench');
const FILE = path.join(DIR, 'official-choices.jsonl');
const REFERENCES = path.join(DIR, 'reference_images');

describe('MindBench official choices', () => {
  test('string world knowledge ending in an image extension is an image; only the first of a list is sent', async () => {
    const cases = await loadMindBenchSuite(FILE, { referenceImageDir: REFERENCES });
    const [landmark, character, art] = cases;
    expect(landmark!.worldKnowledge).toEqual({ images: [path.join(REFERENCES, '3_1_front.png')] });
    expect(judgeReferenceImages(landmark!)).toEqual([path.join(REFERENCES, '3_1_front.png')]);
    expect(character!.worldKnowledge.images).toHaveLength(2);
    expect(judgeReferenceImages(character!)).toEqual([path.join(REFERENCES, '3_1_front.png')]);
    expect(judgeReferenceImages(character!, { strictImages: true })).toEqual([path.join(REFERENCES, '3_1_front.png'), path.join(REFERENCES, '3_1_side.png')]);
    expect(art!.worldKnowledge).toEqual({ text: "The Mona Lisa by Leonardo da Vinci is the Louvre's most famous painting.", images: [] });
  });

  test('a string naming an image that does not exist is an error with file, line and field', async () => {
    await expect(loadMindBenchSuite(FILE, { referenceImageDir: DIR })).rejects.toThrow(/official-choices\.jsonl:1: field "World_Knowledge.image"/);
  });

  test('results.jsonl: the refusal is all-false, the missing image has no line but fails our accuracy', async () => {
    const cases = await loadMindBenchSuite(FILE, { referenceImageDir: REFERENCES });
    const answers = ['{"results": [true, true]}', '{"results": [true, false]}', "I'm sorry, but I can't evaluate this image."];
    const results: MindBenchCaseResult[] = cases.map((c, i) => ({
      type: c.type,
      id: c.id,
      checklist: c.checklist,
      verdict:
        i < answers.length
          ? parseChecklistJudgement(answers[i]!, c.checklist.length)
          : { outcome: 'no_image', message: 'ContentPolicyRefusal: the image model refused' },
    }));
    expect(results[2]!.verdict.outcome).toBe('refused');
    const { jsonl, unwritten } = formatMindBenchResults(results);
    expect(jsonl).toBe(
      [
        '{"Type":"4_Landmark","ID":1,"Image_Name":"4_1.png","Eval":true,"Checklist":["The robot has a round orange head.","The Eiffel Tower is visible."],"Checklist_results":[true,true]}',
        '{"Type":"3_MovieCharacter","ID":2,"Image_Name":"3_2.png","Eval":false,"Checklist":["The robot has a round orange head.","The robot rides a bicycle."],"Checklist_results":[true,false]}',
        '{"Type":"5_Art","ID":1,"Image_Name":"5_1.png","Eval":false,"Checklist":["The image shows the Mona Lisa.","The image looks drawn in crayon."],"Checklist_results":[false,false]}',
        '',
      ].join('\n'),
    );
    expect(unwritten).toEqual([{ imageName: '2_2.png', outcome: 'no_image' }]);
    const metrics = computeMindBenchMetrics(results);
    expect(metrics.overall.cases).toBe(4);
    expect(metrics.overall.passRate).toBe(0.25);
  });
});

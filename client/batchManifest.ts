/**
 * Turns a loaded suite (IA-Bench-style, MindBench, WISE-Verified, or a request list) into Batch cases, uploading
 * every local image it needs (inputs, reference images) to object storage first, as the tenant's uploads.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { batchUserId, type BatchCase, type SuiteKind } from '../common/batch';
import type { ObjectStore } from '../providers/objectStore';
import { storeUpload } from './uploadInputImages';
import { safeSegment } from '../common/objectKeys';
import { loadIaBenchSuite } from '../benchmarks/iaBench/suite';
import { judgeReferenceImages, loadMindBenchSuite } from '../benchmarks/mindBench/suite';
import { loadRequestList } from '../benchmarks/requests/suite';
import { loadWiseSuite } from '../benchmarks/wise/suite';

/** Which loader a file needs: by extension and content, or as the caller says. */
export async function detectSuite(files: string[]): Promise<SuiteKind> {
  const first = files[0]!;
  if (/\.csv$/i.test(first)) return 'requests';
  if (/\.json$/i.test(first)) return 'wise';
  const line = (await readFile(first, 'utf8')).split('\n').find((l) => l.trim()) ?? '';
  if (/"capability"\s*:/.test(line)) return 'ia-bench';
  if (/"Generation_Type"\s*:/.test(line)) return 'mindbench';
  return 'requests';
}

export interface BatchCaseOptions {
  inputImageDir?: string;
  referenceImageDir?: string;
  /** MindBench: send every World_Knowledge image to the judge (not the official setting, which sends the first). */
  strictImages?: boolean;
}

export async function buildBatchCases(
  kind: SuiteKind,
  files: string[],
  store: ObjectStore,
  batchId: string,
  tenantId: string,
  folders: BatchCaseOptions = {},
): Promise<BatchCase[]> {
  const cases = await suiteCases(kind, files, store, batchId, tenantId, folders);
  const userHash = (text: string) => createHash('sha256').update(text).digest('hex');
  return cases.map((c) => ({ ...c, userId: batchUserId(batchId, c.id, userHash) }));
}

async function suiteCases(
  kind: SuiteKind,
  files: string[],
  store: ObjectStore,
  batchId: string,
  tenantId: string,
  folders: BatchCaseOptions,
): Promise<BatchCase[]> {
  const upload = uploader(store, tenantId);
  switch (kind) {
    case 'ia-bench': {
      const cases = await loadIaBenchSuite(files[0]!);
      return Promise.all(
        cases.map(async (c) => ({
          id: c.id,
          turns: await Promise.all(
            c.turns.map(async (t) => ({
              request: t.prompt,
              ...(t.inputImages.length ? { inputImageKeys: await Promise.all(t.inputImages.map(upload)) } : {}),
            })),
          ),
          judge: {
            kind: 'checklist' as const,
            checklist: c.checklist,
            ...(c.groundTruth?.text ? { referenceText: c.groundTruth.text } : {}),
            referenceImageKeys: c.groundTruth?.image ? [await upload(c.groundTruth.image)] : [],
          },
          meta: { capability: c.capability, subtask: c.subtask },
        })),
      );
    }
    case 'mindbench': {
      const cases = await loadMindBenchSuite(files[0]!, folders);
      return Promise.all(
        cases.map(async (c) => ({
          id: safeSegment(c.outputImageName.replace(/\.png$/, '')),
          turns: [{ request: c.prompt, ...(c.inputImage ? { inputImageKeys: [await upload(c.inputImage)] } : {}) }],
          judge: {
            kind: 'checklist' as const,
            checklist: c.checklist,
            ...(c.worldKnowledge.text ? { referenceText: c.worldKnowledge.text } : {}),
            referenceImageKeys: await Promise.all(judgeReferenceImages(c, { strictImages: folders.strictImages }).map(upload)),
          },
          outputName: c.outputImageName,
          meta: { Type: c.type, ID: c.id },
        })),
      );
    }
    case 'wise': {
      const prompts = await loadWiseSuite(files);
      return prompts.map((p) => ({
        id: `wise-${p.promptId}`,
        turns: [{ request: p.prompt }],
        judge: { kind: 'wise' as const, prompt: p.prompt, explanation: p.explanation },
        outputName: p.outputImageName,
        meta: { prompt_id: p.promptId, category: p.category },
      }));
    }
    case 'requests': {
      const items = await loadRequestList(files[0]!);
      return Promise.all(
        items.map(async (r) => ({
          id: r.id,
          turns: [{ request: r.request, ...(r.images.length ? { inputImageKeys: await Promise.all(r.images.map(upload)) } : {}) }],
          ...(r.size || r.seed !== undefined ? { options: { ...(r.size ? { size: r.size } : {}), ...(r.seed !== undefined ? { seed: r.seed } : {}) } } : {}),
        })),
      );
    }
  }
}

/** Each local image once, through the tenant's upload checks (an upload is keyed by its content, so re-running re-uses it). */
function uploader(store: ObjectStore, tenantId: string): (file: string) => Promise<string> {
  const done = new Map<string, Promise<string>>();
  return (file) => {
    let key = done.get(file);
    if (!key) {
      key = readFile(file).then(async (bytes) => (await storeUpload(store, tenantId, bytes)).key);
      done.set(file, key);
    }
    return key;
  };
}

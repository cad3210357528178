/** `--judge-prompt <file>`: the benchmark's own judge template, read and checked once at the edge. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseJudgePromptTemplate, type JudgePromptTemplate } from '../benchmarks/judge/promptTemplate';
import type { SuiteKind } from '../common/batch';

export async function loadJudgePrompt(file: string, suite: SuiteKind): Promise<JudgePromptTemplate> {
  if (suite === 'requests') throw new Error(`--judge-prompt ${file}: a request list has no judge`);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`--judge-prompt ${file}: cannot read it (${err.code ?? err.message})`);
  });
  return parseJudgePromptTemplate(file, path.basename(file), text, suite === 'wise' ? 'wise' : 'checklist');
}

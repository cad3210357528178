/**
 * What a benchmark run was, recorded in its report so it can be judged and rerun: whether its outputs follow
 * the official evaluators (and which settings do not), the judge, the agent's models, the code version, the
 * suite files and the options. `image-agent bench --rerun <report.json>` reads `rerun` back.
 */

export interface JudgePromptRecord {
  /** `built-in`: our prompt; `file`: the benchmark's own template passed with --judge-prompt. */
  source: 'built-in' | 'file';
  /** The template's file name, or the built-in prompt's name. */
  name: string;
  sha256: string;
}

export interface BenchmarkRunRecord {
  /** `official` when every output file is what the benchmark's own evaluator would write for the same verdicts. */
  mode: 'official' | 'non-official';
  /** The settings that make a run non-official, each in a sentence. */
  nonOfficial: string[];
  judge: {
    provider: string;
    model: string;
    /** Host of the judge's endpoint (never a key or a full URL with credentials); null offline. */
    endpointHost: string | null;
    temperature: number;
    prompt: JudgePromptRecord;
    /** Calls per WISE case at most when an answer holds no score. */
    wiseAttempts: number;
    /** The judge models the cases' results name (filled in by the report; the workers' configuration decides). */
    modelsUsed?: string[];
  };
  agent: { providers: string; models: Record<string, string>; imageEndpointHost: string | null; sendSeed: boolean };
  code: { commit: string | null; dirty: boolean | null };
  suite: { kind: string; files: Array<{ path: string; sha256: string }> };
  /** Generation options for every case: size, rounds, seed, ablations. */
  options: Record<string, unknown>;
  /** The seed sent with every render, when there is one and the image endpoint accepts it (IMAGE_AGENT_IMAGE_SEED). */
  seed: number | null;
  /** What `bench --rerun` needs: the suite files and the command-line settings. */
  rerun: RerunSettings;
}

export interface RerunSettings {
  files: string[];
  suite: string;
  system: string;
  concurrency?: number;
  size?: string;
  maxRounds?: number;
  seed?: number;
  ablations: Record<string, boolean | undefined>;
  inputImageDir?: string;
  referenceImageDir?: string;
  strictImages?: boolean;
  judgePromptFile?: string;
}

export function runRecordMarkdown(r: BenchmarkRunRecord): string[] {
  const out = ['## Run settings', ''];
  out.push(
    `- Mode: **${r.mode}**${r.nonOfficial.length ? ` (${r.nonOfficial.join('; ')})` : " (every output file as the benchmark's own evaluator writes it)"}`,
  );
  out.push(
    `- Judge: ${r.judge.provider} \`${r.judge.model}\`${r.judge.endpointHost ? ` at ${r.judge.endpointHost}` : ''}, temperature ${r.judge.temperature},${r.judge.modelsUsed?.length ? ` models used ${r.judge.modelsUsed.map((m) => `\`${m}\``).join(', ')},` : ''} prompt ${r.judge.prompt.source === 'file' ? `file \`${r.judge.prompt.name}\`` : `built-in (${r.judge.prompt.name})`} sha256 \`${r.judge.prompt.sha256.slice(0, 16)}…\``,
  );
  out.push(
    `- Agent: ${r.agent.providers}; ${Object.entries(r.agent.models)
      .map(([role, m]) => `${role} \`${m}\``)
      .join(', ')}`,
  );
  out.push(`- Code: ${r.code.commit ? `\`${r.code.commit.slice(0, 12)}\`${r.code.dirty ? ' (uncommitted changes)' : ''}` : 'unknown (not a git checkout)'}`);
  out.push(`- Suite (${r.suite.kind}): ${r.suite.files.map((f) => `\`${f.path.split('/').pop()}\` sha256 \`${f.sha256.slice(0, 16)}…\``).join(', ')}`);
  out.push(`- Options: \`${JSON.stringify(r.options)}\`; seed ${r.seed ?? 'none'}`);
  return out;
}

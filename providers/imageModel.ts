/** The image-model role: turns a composed prompt (and optional reference images) into one picture. */
import type { ModelFallback } from '../common/modelCall';

export interface LabelledSection {
  title: string;
  body: string;
}

export interface ReferenceImage {
  name: string;
  data: Buffer;
  contentType: string;
}

export interface RenderRequest {
  prompt: string;
  /** The prompt's parts (subject, layout, style, text…), drawn as a labelled layout by the offline renderer. */
  sections: LabelledSection[];
  /** WIDTHxHEIGHT, e.g. 1024x1024. */
  size: string;
  seed?: number;
  /** When present the edit endpoint is used, so the model can follow them. */
  references: ReferenceImage[];
  signal?: AbortSignal;
}

export interface RenderOutput {
  /** Always PNG, whatever the provider returned. */
  png: Buffer;
  width: number;
  height: number;
  /** The vendor's name ('offline' for the offline renderer). */
  provider: string;
  model: string;
  mode: 'generate' | 'edit';
  revisedPrompt?: string;
  /** The format the provider returned, when it was not PNG (converted to PNG above). */
  sourceFormat?: string;
  /** The image role's own vendor could not answer, and `provider`, a link of its chain, did. */
  fallback?: ModelFallback;
}

export interface ImageModel {
  /** The vendor's name, as its render outputs carry it. */
  readonly provider: string;
  readonly model: string;
  render(request: RenderRequest): Promise<RenderOutput>;
}

export function parseSize(size: string): { width: number; height: number } {
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(size);
  if (!m) throw new Error(`size must look like 1024x1024, got ${JSON.stringify(size)}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** The image model alone (the paper's baseline, `--direct`): the request as the prompt, one render, no critique. */
import type { Candidate } from '../../../common/generation';
import type { ImageOutcome } from '../../../common/runResult';
import { renderedBy } from './renderedBy';
import type { Run } from '../run';

export async function directRender(run: Run): Promise<ImageOutcome> {
  const { input, options, recorder } = run;
  const rendered = await recorder.stage('render (direct)', () =>
    run.acts.gpu.renderImage({
      prompt: input.request,
      sections: [{ title: 'Prompt (direct, no agent)', body: input.request }],
      size: options.size,
      seed: options.seed,
      imageIndex: 0,
      round: 1,
      referenceKeys: input.inputImageKeys ?? [],
    }),
  );
  recorder.countImages(rendered.reRendered ? 2 : 1);
  const candidate: Candidate = {
    imageIndex: 0,
    round: 1,
    image: rendered.image,
    context: {
      prompt: input.request,
      subject: input.request,
      attributes: [],
      layout: '',
      style: '',
      textToRender: [],
      avoid: [],
      referenceKeys: input.inputImageKeys ?? [],
      size: options.size,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    },
    renderedBy: renderedBy(rendered),
  };
  run.addCandidate(candidate);
  return { imageIndex: 0, imageId: 'image-1', brief: input.request, final: candidate, candidates: [candidate], stoppedBecause: 'direct' };
}

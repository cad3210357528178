/** The benchmark judge through any vendor's chat model (a VLM), temperature 0, the judge model recorded. */
import type { ImageJudge, JudgeAsk } from '../imageJudge';
import type { ChatModel } from '../chatModel';

export class ChatJudge implements ImageJudge {
  constructor(
    private readonly chat: ChatModel,
    readonly model: string,
  ) {}

  /** The chat model's vendor, as its call records carry it. */
  get provider(): string {
    return this.chat.provider;
  }

  async judgeChecklist(ask: JudgeAsk) {
    const out = await this.chat.text({ purpose: 'judge_checklist', model: this.model, system: ask.system, user: ask.user, images: ask.images, temperature: 0 });
    // A refusal is answered as text so the benchmark's parser files it as "refused", not as an error.
    return { text: out.refusal ?? out.text, call: out.call };
  }

  async judgeWise(ask: JudgeAsk) {
    const out = await this.chat.text({ purpose: 'judge_wise', model: this.model, system: ask.system, user: ask.user, images: ask.images, temperature: 0 });
    return { text: out.refusal ?? out.text, call: out.call };
  }
}

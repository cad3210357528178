/**
 * Reasoning models wrap their deliberation in `<think>…</think>`; the official evaluators drop it before
 * looking for a score, so a "Score: 1" considered while thinking never counts.
 */
export function stripThinkBlocks(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/g, '').replace(/<\/think>/g, '');
}

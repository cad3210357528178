/** What a judge prompt builder returns; the caller sends it with the images in the listed order. */
export interface JudgePrompt {
  system: string;
  user: string;
  images: Array<'generated' | 'reference'>;
}

/** WISE-Verified's six categories, derived from prompt_id ranges, and the overall-score weights. */

export const WISE_CATEGORIES = ['culture', 'time', 'space', 'biology', 'physics', 'chemistry'] as const;
export type WiseCategory = (typeof WISE_CATEGORIES)[number];

/** Inclusive prompt_id ranges. */
export const WISE_ID_RANGES: Readonly<Record<WiseCategory, readonly [number, number]>> = {
  culture: [1, 400],
  time: [401, 520],
  space: [521, 640],
  biology: [641, 760],
  physics: [761, 880],
  chemistry: [881, 1000],
};

/** Overall = 0.40·Culture + 0.12·(Time + Space + Biology + Physics + Chemistry). */
export const WISE_OVERALL_WEIGHTS: Readonly<Record<WiseCategory, number>> = {
  culture: 0.4,
  time: 0.12,
  space: 0.12,
  biology: 0.12,
  physics: 0.12,
  chemistry: 0.12,
};

export function wiseCategoryOf(promptId: number): WiseCategory {
  const category = WISE_CATEGORIES.find((c) => promptId >= WISE_ID_RANGES[c][0] && promptId <= WISE_ID_RANGES[c][1]);
  if (category === undefined || !Number.isInteger(promptId)) throw new Error(`WISE prompt_id ${promptId} is not an integer in 1–1000`);
  return category;
}

export function wiseImageName(promptId: number): string {
  return `${promptId}.png`;
}

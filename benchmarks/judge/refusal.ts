/**
 * Recognising a judge that declined to answer. Only consulted when no verdict could be parsed: an
 * answer that hedges ("I can't be sure, but …") and still gives a verdict is a verdict.
 */

const REFUSAL_PATTERNS: readonly RegExp[] = [
  /\bI\s*(?:can(?:'|’)?t|cannot|can not|am unable to|'m unable to|’m unable to|won(?:'|’)?t|will not|am not able to|'m not able to|’m not able to)\s+(?:help|assist|comply|evaluate|judge|assess|rate|score|review|provide|do that|view|see|process|analy[sz]e)/i,
  /\b(?:unable|not able) to (?:help|assist|comply|evaluate|judge|assess|view|see) /i,
  /\bI(?:'|’)?m sorry,? (?:but )?I\b/i,
  /\bI apologi[sz]e,? (?:but )?I\b/i,
  /\b(?:against|violates?) (?:my|our|the) (?:content |usage )?(?:policy|policies|guidelines)\b/i,
  /\bcan(?:'|’)?t help with that\b/i,
];

export function looksLikeRefusal(text: string): boolean {
  return REFUSAL_PATTERNS.some((pattern) => pattern.test(text));
}

/**
 * What the offline reasoner can compute for real, with mathjs: arithmetic hidden in a request, in symbols
 * ("3²−2") or words ("3 squared minus 2", "half of a dozen"), unit conversions ("5 miles in km") and dates
 * relative to the run's date ("in 10 days", "next Friday").
 */
import { evaluate } from 'mathjs';

const CANDIDATE = /[\d(√][\d\s.()+\-−×x*/÷^²³√]*[\d)²³]/g;
const CUE = /\b(as many|as much|answer to|answer of|result of|equal to|equals|number of|what is|compute|calculate|solve)\b[^.]{0,25}$/i;

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  dozen: 12,
  score: 20,
};
const NUMBER = `(?:\\d+(?:\\.\\d+)?|${Object.keys(NUMBER_WORDS).join('|')})`;
/** Words that make arithmetic of the numbers around them. */
const ARITHMETIC_WORDS =
  /\b(squared|cubed|minus|plus|times|multiplied by|divided by|to the power of|square root of|half of|a half of|twice|double|triple|a quarter of|a third of)\b/i;

/** Arithmetic in words rewritten in symbols, so one finder and one evaluator serve both. */
export function wordsToSymbols(text: string): string {
  return text
    .replace(new RegExp(`\\b(?:a |one )?(dozen|score)\\b`, 'gi'), (_m, w: string) => String(NUMBER_WORDS[w.toLowerCase()]))
    .replace(
      new RegExp(`\\b(${Object.keys(NUMBER_WORDS).join('|')})\\b(?=\\s+(?:squared|cubed|minus|plus|times|multiplied|divided|to the power))`, 'gi'),
      (w: string) => String(NUMBER_WORDS[w.toLowerCase()]),
    )
    .replace(new RegExp(`(?<=(?:minus|plus|times|by|of|power of)\\s+)(${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'gi'), (w: string) =>
      String(NUMBER_WORDS[w.toLowerCase()]),
    )
    .replace(/\bthe square root of\s+/gi, '√')
    .replace(/\bsquare root of\s+/gi, '√')
    .replace(/\s+squared\b/gi, '²')
    .replace(/\s+cubed\b/gi, '³')
    .replace(/\s+to the power of\s+/gi, '^')
    .replace(/\s+minus\s+/gi, ' − ')
    .replace(/\s+plus\s+/gi, ' + ')
    .replace(/\s+(?:times|multiplied by)\s+/gi, ' × ')
    .replace(/\s+divided by\s+/gi, ' ÷ ')
    .replace(/\b(?:a )?half of (?:a |an )?/gi, '0.5 × ')
    .replace(/\b(?:a )?quarter of (?:a |an )?/gi, '0.25 × ')
    .replace(/\b(?:a )?third of (?:a |an )?/gi, '(1/3) × ')
    .replace(new RegExp(`\\b(twice|double|triple) (?=${NUMBER})`, 'gi'), (w: string) => (/triple/i.test(w) ? '3 × ' : '2 × '));
}

function normalise(expr: string): string {
  return expr
    .replace(/−/g, '-')
    .replace(/[×x]/g, '*')
    .replace(/÷/g, '/')
    .replace(/²/g, '^2')
    .replace(/³/g, '^3')
    .replace(/√\s*\(/g, 'sqrt(')
    .replace(/√\s*(\d+(?:\.\d+)?)/g, 'sqrt($1)');
}

function operators(expr: string): number {
  return (normalise(expr).match(/(?<=[\d)\s])[+\-*/^](?=[\s\d(s])/g) ?? []).length;
}

/** The arithmetic expression a request hides, in symbols, or undefined. */
export function findArithmetic(text: string): string | undefined {
  const worded = ARITHMETIC_WORDS.test(text);
  const symbols = wordsToSymbols(text);
  for (const m of symbols.matchAll(CANDIDATE)) {
    const expr = m[0].trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(expr) || !/\d/.test(expr)) continue;
    const before = symbols.slice(0, m.index);
    const strong = /[²³√^]/.test(expr) || operators(expr) >= 2 || (worded && operators(expr) >= 1);
    if ((strong || (operators(expr) >= 1 && CUE.test(before))) && evaluateArithmetic(expr) !== undefined) return expr;
  }
  return undefined;
}

export function evaluateArithmetic(expr: string): number | undefined {
  try {
    const value: unknown = evaluate(normalise(expr));
    return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1e9) / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

const UNIT_NAMES: Record<string, string> = {
  celsius: 'degC',
  '°c': 'degC',
  'degrees celsius': 'degC',
  fahrenheit: 'degF',
  '°f': 'degF',
  'degrees fahrenheit': 'degF',
  kilometres: 'km',
  kilometers: 'km',
  kilometre: 'km',
  kilometer: 'km',
  metres: 'm',
  meters: 'm',
  metre: 'm',
  meter: 'm',
  centimetres: 'cm',
  centimeters: 'cm',
  millimetres: 'mm',
  millimeters: 'mm',
  miles: 'mi',
  mile: 'mi',
  feet: 'ft',
  foot: 'ft',
  inches: 'inch',
  inch: 'inch',
  yards: 'yd',
  yard: 'yd',
  kilograms: 'kg',
  kilogram: 'kg',
  grams: 'g',
  gram: 'g',
  pounds: 'lb',
  pound: 'lb',
  lbs: 'lb',
  ounces: 'oz',
  ounce: 'oz',
  litres: 'l',
  liters: 'l',
  litre: 'l',
  liter: 'l',
  millilitres: 'ml',
  milliliters: 'ml',
  gallons: 'gal',
  gallon: 'gal',
  hours: 'h',
  hour: 'h',
  minutes: 'min',
  minute: 'min',
  'km/h': 'km/h',
  kmh: 'km/h',
  mph: 'mi/h',
};
const UNIT = `(degrees (?:celsius|fahrenheit)|°[cf]|km/h|[a-z]+)`;

function unitOf(name: string): string | undefined {
  const n = name.toLowerCase();
  if (UNIT_NAMES[n]) return UNIT_NAMES[n];
  return /^(km|m|cm|mm|mi|ft|yd|kg|g|lb|oz|l|ml|gal|h|min|s)$/.test(n) ? n : undefined;
}

/** "5 miles in km", "30 °C in fahrenheit", "a 2 kg cake in pounds": the conversion and its result, or undefined. */
export function findConversion(text: string): { expression: string; result: string } | undefined {
  const re = new RegExp(`(\\d+(?:\\.\\d+)?)\\s*${UNIT}\\b[^.,;]{0,30}?\\b(?:in|to|into|as)\\s+${UNIT}`, 'gi');
  for (const m of text.matchAll(re)) {
    const from = unitOf(m[2]!);
    const to = unitOf(m[3]!);
    if (!from || !to || from === to) continue;
    try {
      const value = evaluate(`${m[1]} ${from} to ${to}`) as { toNumber: (unit: string) => number };
      const n = value.toNumber(to);
      if (!Number.isFinite(n)) continue;
      return { expression: `${m[1]} ${m[2]} in ${m[3]}`, result: `${Math.round(n * 100) / 100} ${m[3]}` };
    } catch {
      continue;
    }
  }
  return undefined;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const RELATIVE_DATE = new RegExp(
  `\\b(the day after tomorrow|the day before yesterday|tomorrow|yesterday|today|(?:in|after) (${NUMBER}) (days?|weeks?)|(${NUMBER}) (days?|weeks?) (?:from|after) today|(${NUMBER}) (days?|weeks?) ago|next (${WEEKDAYS.join('|')})|this (${WEEKDAYS.join('|')}))\\b`,
  'i',
);

function count(word: string): number {
  return NUMBER_WORDS[word.toLowerCase()] ?? Number(word);
}

/** A date relative to `today` (YYYY-MM-DD) resolved: "in 10 days" → 2026-07-25 (Saturday). */
export function findRelativeDate(text: string, today: string): { phrase: string; iso: string; weekday: string } | undefined {
  const m = RELATIVE_DATE.exec(text);
  const base = /^\d{4}-\d{2}-\d{2}$/.test(today) ? new Date(`${today}T00:00:00Z`) : undefined;
  if (!m || !base) return undefined;
  const phrase = m[1]!.toLowerCase();
  let days = 0;
  if (phrase === 'tomorrow') days = 1;
  else if (phrase === 'yesterday') days = -1;
  else if (phrase === 'the day after tomorrow') days = 2;
  else if (phrase === 'the day before yesterday') days = -2;
  else if (m[2]) days = count(m[2]) * (/week/i.test(m[3]!) ? 7 : 1);
  else if (m[4]) days = count(m[4]) * (/week/i.test(m[5]!) ? 7 : 1);
  else if (m[6]) days = -count(m[6]) * (/week/i.test(m[7]!) ? 7 : 1);
  else if (m[8] || m[9]) {
    const target = WEEKDAYS.indexOf((m[8] ?? m[9])!.toLowerCase());
    days = (target - base.getUTCDay() + 7) % 7;
    if (m[8] && days === 0) days = 7;
  }
  const d = new Date(base.getTime() + days * 86_400_000);
  return { phrase, iso: d.toISOString().slice(0, 10), weekday: WEEKDAYS[d.getUTCDay()]!.replace(/^./, (c) => c.toUpperCase()) };
}

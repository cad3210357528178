/** Finds and evaluates arithmetic hidden in a request ("as many apples as 3²−2"), with mathjs. */
import { evaluate } from 'mathjs';

const CANDIDATE = /[\d(√][\d\s.()+\-−×x*/÷^²³√]*[\d)²³]/g;
const CUE = /\b(as many|as much|answer to|answer of|result of|equal to|equals|number of|what is|compute|calculate|solve)\b[^.]{0,25}$/i;

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

/** The arithmetic expression a request hides, as written, or undefined. */
export function findArithmetic(text: string): string | undefined {
  for (const m of text.matchAll(CANDIDATE)) {
    const expr = m[0].trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(expr) || !/\d/.test(expr)) continue;
    const before = text.slice(0, m.index);
    const strong = /[²³√^]/.test(expr) || operators(expr) >= 2;
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

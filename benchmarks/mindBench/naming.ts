/** MindBench naming conventions: the category is Type's numeric prefix; images are `<TypePrefix>_<ID>.png`. */

function typePrefix(type: string): string {
  const prefix = type.split('_', 1)[0] ?? '';
  if (!/^\d+$/.test(prefix)) throw new Error(`MindBench Type "${type}" does not start with a category number`);
  return prefix;
}

export function mindBenchCategoryOf(type: string): number {
  return Number(typePrefix(type));
}

/** The prefix is kept as written ("01" stays "01") so names match the official tooling's. */
export function mindBenchImageName(type: string, id: string | number): string {
  return `${typePrefix(type)}_${id}.png`;
}

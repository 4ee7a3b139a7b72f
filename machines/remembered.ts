/**
 * A pure function whose answers are remembered by key, at most `limit` of them — then all are
 * forgotten at once. The callers are asked about dates and hours in runs (a list, a report, a
 * clock running for months), so a plain bound keeps the memory small without the bookkeeping of
 * an LRU.
 */
export function remembered<A extends unknown[], V>(limit: number, keyOf: (...args: A) => string | number, compute: (...args: A) => V): (...args: A) => V {
  const answers = new Map<string | number, V>();
  return (...args) => {
    const key = keyOf(...args);
    const known = answers.get(key);
    if (known !== undefined || answers.has(key)) return known as V;
    const value = compute(...args);
    if (answers.size >= limit) answers.clear();
    answers.set(key, value);
    return value;
  };
}

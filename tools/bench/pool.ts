/** Runs thunks `concurrency` at a time, results in the thunks' order. */
export async function inBatches<T>(thunks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(thunks.length);
  let next = 0;
  const worker = async () => {
    while (next < thunks.length) {
      const index = next++;
      results[index] = await thunks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, thunks.length) }, worker));
  return results;
}

/** @module The benchmark's one activity: returns its input, so that it costs nothing but the round trip. */

export async function echo(n: number): Promise<number> {
  return n;
}

/**
 * How to split `total` rows into statements whose size comes from a small
 * fixed set: full chunks of `max`, then the binary digits of the rest
 * (2500, max 1024 → 1024, 1024, 256, 128, 64, 4). A statement with N
 * placeholders is its own text; with these sizes only a dozen texts ever
 * exist, so each is prepared once per connection and none piles up in a
 * cache, whatever the audience's size.
 */
export function boundedChunkSizes(total: number, max: number): number[] {
  if (!Number.isInteger(Math.log2(max))) throw new RangeError(`The largest chunk must be a power of two, got ${max}`);
  const sizes: number[] = [];
  let left = total;
  while (left >= max) {
    sizes.push(max);
    left -= max;
  }
  for (let size = max / 2; size >= 1; size /= 2) {
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

/** `items` cut into consecutive slices of boundedChunkSizes. */
export function boundedChunks<T>(items: readonly T[], max: number): T[][] {
  const chunks: T[][] = [];
  let offset = 0;
  for (const size of boundedChunkSizes(items.length, max)) {
    chunks.push(items.slice(offset, offset + size));
    offset += size;
  }
  return chunks;
}

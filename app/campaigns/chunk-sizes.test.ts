import { describe, expect, it } from "vitest";
import { boundedChunks, boundedChunkSizes } from "./chunk-sizes";

describe("boundedChunkSizes", () => {
  it("splits into full chunks and powers of two, adding up to the total", () => {
    expect(boundedChunkSizes(2500, 1024)).toEqual([1024, 1024, 256, 128, 64, 4]);
    expect(boundedChunkSizes(0, 1024)).toEqual([]);
    expect(boundedChunkSizes(1, 1024)).toEqual([1]);
    for (const total of [3, 1023, 1024, 1025, 4097]) expect(boundedChunkSizes(total, 1024).reduce((sum, size) => sum + size, 0)).toBe(total);
    expect(() => boundedChunkSizes(10, 1000)).toThrow(RangeError);
  });

  it("cuts items into consecutive slices of those sizes", () => {
    const items = Array.from({ length: 11 }, (_, i) => i);
    expect(boundedChunks(items, 4)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [10]]);
  });
});

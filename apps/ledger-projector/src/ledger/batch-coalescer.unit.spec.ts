import { BatchCoalescer } from './batch-coalescer';

describe('BatchCoalescer', () => {
  it('hands items that arrive together to one apply, and resolves each when it is done', async () => {
    const groups: number[][] = [];
    const coalescer = new BatchCoalescer<number>(async (items) => {
      groups.push([...items]);
    }, 5);
    await Promise.all([coalescer.add(1), coalescer.add(2), coalescer.add(3)]);
    await coalescer.add(4);
    expect(groups).toEqual([[1, 2, 3], [4]]);
  });

  it("rejects every item of a failed group, and the next group starts clean", async () => {
    let fail = true;
    const coalescer = new BatchCoalescer<string>(async () => {
      if (fail) throw new Error('postgres down');
    }, 1);
    const results = await Promise.allSettled([coalescer.add('a'), coalescer.add('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(coalescer.add('c')).resolves.toBeUndefined();
  });
});

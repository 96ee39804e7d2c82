import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('given calls in the same turn, when they are added, then one flush carries them all and every caller waits for it', async () => {
    const flushes: number[][] = [];
    const coalescer = new Coalescer<number>(async (items) => {
      flushes.push([...items]);
    });
    await Promise.all([coalescer.add([1]), coalescer.add([2, 3]), coalescer.add([4])]);
    expect(flushes).toEqual([[1, 2, 3, 4]]);
  });

  it('given calls in different turns, then each turn is its own flush', async () => {
    const flushes: number[][] = [];
    const coalescer = new Coalescer<number>(async (items) => {
      flushes.push([...items]);
    });
    await coalescer.add([1]);
    await coalescer.add([2]);
    expect(flushes).toEqual([[1], [2]]);
  });

  it('given a failing flush, then every caller of that turn sees the failure', async () => {
    const coalescer = new Coalescer<number>(() => Promise.reject(new Error('database down')));
    const calls = [coalescer.add([1]), coalescer.add([2])];
    for (const call of calls) await expect(call).rejects.toThrow('database down');
  });

  it('given nothing to add, then nothing is flushed', async () => {
    const flush = jest.fn(() => Promise.resolve());
    await new Coalescer<number>(flush).add([]);
    expect(flush).not.toHaveBeenCalled();
  });
});

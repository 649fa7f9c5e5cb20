import { EventBus } from './events';

interface TestEvents {
  issued: { id: number };
  paid: { id: number; amount: number };
}

describe('EventBus', () => {
  it('calls the listeners of an event in the order they subscribed, one after the other', async () => {
    const bus = new EventBus<TestEvents>();
    const calls: string[] = [];
    bus.on('paid', async ({ id }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push(`first ${id}`);
    });
    bus.on('paid', ({ id, amount }) => void calls.push(`second ${id} ${amount}`));
    bus.on('issued', ({ id }) => void calls.push(`issued ${id}`));
    await bus.emit('paid', { id: 7, amount: 100 });
    expect(calls).toEqual(['first 7', 'second 7 100']);
    expect(bus.count('paid')).toBe(2);
    expect(bus.count('issued')).toBe(1);
  });

  it('does nothing for an event without listeners', async () => {
    await expect(new EventBus<TestEvents>().emit('issued', { id: 1 })).resolves.toBeUndefined();
  });

  it('stops at the first failing listener and rejects with its error', async () => {
    const bus = new EventBus<TestEvents>();
    const after = jest.fn();
    bus.on('issued', () => {
      throw new Error('refused');
    });
    bus.on('issued', after);
    await expect(bus.emit('issued', { id: 1 })).rejects.toThrow('refused');
    expect(after).not.toHaveBeenCalled();
  });
});

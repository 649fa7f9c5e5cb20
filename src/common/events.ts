/** A listener of one event; a thrown error propagates to the publisher (and rolls its transaction back). */
export type Listener<Payload> = (payload: Payload) => Promise<void> | void;

/**
 * A typed, in-process publish/subscribe: `Events` maps each event name to its payload. Listeners run
 * one after the other, in the order they subscribed, awaited by `emit`, so a publisher that emits
 * inside its transaction has every listener's writes in that same transaction.
 */
export class EventBus<Events extends object> {
  private readonly listeners = new Map<keyof Events, Array<Listener<never>>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  async emit<K extends keyof Events>(event: K, payload: Events[K]): Promise<void> {
    for (const listener of (this.listeners.get(event) ?? []) as Array<Listener<Events[K]>>) await listener(payload);
  }

  /** How many listeners `event` has (for the wiring's own checks and tests). */
  count(event: keyof Events): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

// What a test peer received, in order: each item goes to the oldest waiting next(),
// or waits in the queue for the next call. Shared by the hand-built peers (WebSocket
// frames, stream frames, WebSocket messages).

interface Waiter<T> {
  resolve: (item: T) => void;
  reject: (error: Error) => void;
}

export class Inbox<T> {
  readonly #items: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  #closedBecause: string | undefined;

  /** Items received and not taken yet. */
  get queued(): readonly T[] {
    return this.#items;
  }

  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(item);
    else this.#items.push(item);
  }

  /** No item will come: waiting calls reject with `reason`, and so do later ones once the queue is empty. */
  close(reason: string): void {
    this.#closedBecause = reason;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error(reason));
  }

  /** The next item; rejects after `timeoutMs` (saying "no `what` within …") or on close. */
  next(timeoutMs: number, what: string): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift()!);
    if (this.#closedBecause !== undefined) return Promise.reject(new Error(this.#closedBecause));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter<T> = {
        resolve: (item) => {
          clearTimeout(timer);
          resolve(item);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
    });
  }
}

// Socket.IO's middleware form, `(subject, next) => …`: each calls next() to go on or
// next(error) to stop. Async middlewares work too: a rejection counts as next(error).

/** An error a middleware passes to `next`; `data` reaches the client with `connect_error`. */
export interface ExtendedError extends Error {
  data?: unknown;
}

export type NextFunction = (error?: ExtendedError) => void;

/** A middleware, sync or async. */
export type Middleware<Subject> = (subject: Subject, next: NextFunction) => unknown;

function toError(value: unknown): ExtendedError {
  return value instanceof Error ? value : new Error(typeof value === "string" ? value : "middleware error");
}

/**
 * Runs `middlewares` in order on `subject`, then calls `done` once: with no
 * argument when all called next(), with the first error otherwise.
 */
export function runMiddlewares<Subject>(
  middlewares: readonly Middleware<Subject>[],
  subject: Subject,
  done: (error?: ExtendedError) => void,
): void {
  if (middlewares.length === 0) return done();
  const list = middlewares.slice();
  const run = (index: number): void => {
    let isCalled = false;
    const next: NextFunction = (error) => {
      if (isCalled) return;
      isCalled = true;
      if (error !== undefined && error !== null) done(toError(error));
      else if (index + 1 < list.length) run(index + 1);
      else done();
    };
    try {
      const result = list[index]!(subject, next);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
        (result as PromiseLike<unknown>).then(undefined, (error: unknown) => next(toError(error)));
      }
    } catch (error) {
      next(toError(error));
    }
  };
  run(0);
}

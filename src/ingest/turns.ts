// Turns taken in order: each waits for every earlier one to end. Sources in
// one run are stored in the order their documents arrived, however long
// preparing each took on whichever worker thread, so that the earlier
// articles a new one is related to do not depend on the number of cores.
export interface Turn {
  /** Resolves once every turn taken before this one has ended. */
  wait: Promise<void>;
  end(): void;
}

export interface Turns {
  take(): Turn;
}

export function createTurns(): Turns {
  let last = Promise.resolve();
  return {
    take() {
      const wait = last;
      let end = () => {};
      last = new Promise<void>((resolve) => (end = resolve));
      return { wait, end };
    },
  };
}

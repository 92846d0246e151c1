// A log destination that writes the lines of one turn of the event loop to
// stderr together, in one system call. Our own rather than pino's
// sonic-boom: in asynchronous mode sonic-boom measures the byte length of
// its whole pending buffer on every line (about 2 µs a line under load, more
// than answering a cached 304 costs), and in synchronous mode it makes one
// system call per line. Batching per turn costs a push and a join. The
// write itself stays synchronous (process.stderr is, for files and pipes),
// so a turn's lines are on their way before the next turn starts; those
// still queued when the process exits are written then.
export class TurnBatchedStderr {
  private lines: string[] = [];
  private scheduled = false;

  constructor() {
    process.once('exit', () => this.flush());
  }

  /** pino's destination interface: one serialized line, newline included. */
  write(line: string): boolean {
    this.lines.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    this.lines = [];
    process.stderr.write(text);
  }
}

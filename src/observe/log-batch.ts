// A log destination that writes lines to stderr in batches: when 64 KiB have
// gathered, or 50 ms after the first line of a batch, whichever comes first,
// and whatever is left when the process exits. Our own rather than pino's
// sonic-boom: in asynchronous mode sonic-boom measures the byte length of
// its whole pending buffer on every line (about 2 µs a line under load), and
// in synchronous mode it makes one system call per line. A write system call
// costs several microseconds on a virtual machine, as much as answering a
// cached 304 does, so a busy server writes a few hundred request lines per
// call rather than one. The write itself is synchronous (process.stderr is,
// for files and pipes). The price: a process killed outright (SIGKILL, the
// kernel's OOM killer) loses up to 50 ms of lines.
const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 50;

export class BatchedStderr {
  private lines: string[] = [];
  /** Characters pending: JSON lines are ASCII but for text in the events, so about bytes. */
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly output: (text: string) => void = (text) => void process.stderr.write(text)) {
    process.once('exit', () => this.flush());
  }

  /** pino's destination interface: one serialized line, newline included. */
  write(line: string): boolean {
    this.lines.push(line);
    this.pending += line.length;
    if (this.pending >= FLUSH_BYTES) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_MS).unref();
    return true;
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    this.lines = [];
    this.pending = 0;
    this.output(text);
  }
}

/**
 * KStream.split(): a KSTREAM-BRANCH processor with one pass-through child per branch. Node names follow
 * Java's BranchedKStreamImpl (splitter name + branch name or 1-based position; the default branch is 0);
 * the returned record's keys are (split name or '') + (branch name or position), as API.md fixes them.
 */
import type { BranchOptions } from '../options.ts';
import { checkFn, checkName, type StreamState } from '../internal.ts';

type Pred = (k: unknown, v: unknown) => boolean;

export class SplitState {
  private readonly splitterName: string;
  private readonly keyPrefix: string;
  private readonly branches: Array<{ predicate: Pred | null; child: string }> = [];
  private readonly outputs: Record<string, StreamState> = {};
  private closed = false;

  constructor(private readonly s: StreamState, name?: string) {
    this.keyPrefix = name !== undefined ? checkName(name, 'split name') : '';
    const generated = s.graph.newProcessorName('KSTREAM-BRANCH-');
    this.splitterName = name !== undefined ? name : generated;
    s.graph.addProcessor(this.splitterName, 'branch', [s.node], { branches: this.branches });
  }

  branch(predicate: Pred | null, opts: BranchOptions | undefined): void {
    if (this.closed) throw new Error(`split '${this.splitterName}': no branch can be added after defaultBranch()/noDefaultBranch().`);
    if (predicate !== null) checkFn(predicate, 'branch predicate');
    const index = predicate === null ? 0 : this.branches.length + 1;
    const suffix = opts?.name !== undefined ? checkName(opts.name, 'branch name') : String(index);
    const child = this.splitterName + suffix;
    this.s.graph.newProcessorName(child);
    this.s.graph.addProcessor(child, 'passthrough', [this.splitterName], {});
    this.branches.push({ predicate, child });
    this.outputs[this.keyPrefix + suffix] = { ...this.s, node: child };
  }

  finish(): Record<string, StreamState> {
    this.closed = true;
    return this.outputs;
  }
}

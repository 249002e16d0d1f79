/**
 * Kafka's TopologyDescription lists `-->` successors and `<--` predecessors from TreeSets whose comparator reads
 * sub-tree sizes that are still growing while the sets are filled (nodes are connected in java.util.HashMap
 * order). The printed order therefore depends on Java's String.hashCode, HashMap bucket order and TreeMap's
 * red-black insertion. This file reproduces exactly those three, so describe() prints what Java prints.
 */

export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Iteration order of a java.util.HashMap/HashSet holding `keys` (inserted in the given order). */
export function hashMapOrder(keys: readonly string[]): string[] {
  let cap = 16;
  while (keys.length > cap * 0.75) cap *= 2;
  const bucket = (k: string) => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & (cap - 1);
  };
  return keys.map((k, i) => ({ k, i, b: bucket(k) })).sort((a, b) => a.b - b.b || a.i - b.i).map((x) => x.k);
}

interface RbNode<T> {
  key: T;
  left: RbNode<T> | null;
  right: RbNode<T> | null;
  parent: RbNode<T> | null;
  black: boolean;
}

/** java.util.TreeSet with a comparator evaluated at insertion time (TreeMap.put + fixAfterInsertion). */
export class JavaTreeSet<T> {
  private root: RbNode<T> | null = null;
  constructor(private readonly cmp: (a: T, b: T) => number) {}

  add(key: T): void {
    let t = this.root;
    if (t === null) {
      this.root = { key, left: null, right: null, parent: null, black: true };
      return;
    }
    let parent: RbNode<T>;
    let c: number;
    do {
      parent = t;
      c = this.cmp(key, t.key);
      if (c < 0) t = t.left;
      else if (c > 0) t = t.right;
      else return;
    } while (t !== null);
    const e: RbNode<T> = { key, left: null, right: null, parent, black: false };
    if (c < 0) parent.left = e;
    else parent.right = e;
    this.fixAfterInsertion(e);
  }

  toArray(): T[] {
    const out: T[] = [];
    const walk = (n: RbNode<T> | null) => {
      if (!n) return;
      walk(n.left);
      out.push(n.key);
      walk(n.right);
    };
    walk(this.root);
    return out;
  }

  private rotateLeft(p: RbNode<T>): void {
    const r = p.right!;
    p.right = r.left;
    if (r.left) r.left.parent = p;
    r.parent = p.parent;
    if (!p.parent) this.root = r;
    else if (p.parent.left === p) p.parent.left = r;
    else p.parent.right = r;
    r.left = p;
    p.parent = r;
  }

  private rotateRight(p: RbNode<T>): void {
    const l = p.left!;
    p.left = l.right;
    if (l.right) l.right.parent = p;
    l.parent = p.parent;
    if (!p.parent) this.root = l;
    else if (p.parent.right === p) p.parent.right = l;
    else p.parent.left = l;
    l.right = p;
    p.parent = l;
  }

  private fixAfterInsertion(x: RbNode<T>): void {
    const isBlack = (n: RbNode<T> | null) => n === null || n.black;
    while (x !== this.root && !isBlack(x.parent)) {
      const p = x.parent!;
      const g = p.parent!;
      if (p === g.left) {
        const y = g.right;
        if (!isBlack(y)) {
          p.black = true;
          y!.black = true;
          g.black = false;
          x = g;
        } else {
          if (x === p.right) {
            x = p;
            this.rotateLeft(x);
          }
          x.parent!.black = true;
          x.parent!.parent!.black = false;
          this.rotateRight(x.parent!.parent!);
        }
      } else {
        const y = g.left;
        if (!isBlack(y)) {
          p.black = true;
          y!.black = true;
          g.black = false;
          x = g;
        } else {
          if (x === p.left) {
            x = p;
            this.rotateRight(x);
          }
          x.parent!.black = true;
          x.parent!.parent!.black = false;
          this.rotateLeft(x.parent!.parent!);
        }
      }
    }
    this.root!.black = true;
  }
}

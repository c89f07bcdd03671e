/**
 * Maps a field path of the parsed document to the place in the YAML text where it was
 * written, so that every problem names a line and column.
 */
import { Document, Node, isAlias, isMap, isScalar, isSeq } from "yaml";
import { FieldPath } from "../model/fields";

export interface Position {
  line: number;
  column: number;
}

export class SourcePositions {
  /** Offset of the first character of each line. Counted from the text itself: yaml's LineCounter misses lines after some syntax errors. */
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly doc: Document,
    text: string,
  ) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
  }

  /**
   * Where a value was written. The field's key instead when asked (unknown or duplicate
   * fields) or when the value is a mapping or list: its key's line is where a reader looks.
   */
  of(path: FieldPath, options: { key?: boolean } = {}): Position {
    const found = this.find(path);
    const atKey = options.key || isMap(found.value) || isSeq(found.value);
    const node = atKey ? (found.key ?? found.value) : (found.value ?? found.key);
    return this.offset(node?.range?.[0] ?? 0);
  }

  offset(offset: number): Position {
    // The last line starting at or before the offset (binary search).
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1 };
  }

  /** The deepest node on the path that exists: a missing field points at its parent. */
  private find(path: FieldPath): { value?: Node; key?: Node } {
    let value = this.resolve(this.doc.contents ?? undefined);
    let key: Node | undefined;
    for (const segment of path) {
      if (isMap(value)) {
        // The last pair with the key: that is the value YAML keeps when a key is written twice.
        const pair = [...value.items].reverse().find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return { value, key };
        key = pair.key as Node;
        // `field:` with nothing after it has an empty value at the end of the line; the key is where to look.
        const empty = pair.value === null || (isScalar(pair.value) && pair.value.value === null);
        value = empty ? key : this.resolve(pair.value as Node);
      } else if (isSeq(value) && typeof segment === "number" && segment < value.items.length) {
        key = undefined;
        value = this.resolve(value.items[segment] as Node);
      } else {
        return { value, key };
      }
    }
    return { value, key };
  }

  private resolve(node: Node | undefined): Node | undefined {
    return isAlias(node) ? ((node.resolve(this.doc) as Node | undefined) ?? node) : node;
  }
}

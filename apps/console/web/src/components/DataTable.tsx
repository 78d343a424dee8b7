import type { ReactNode } from 'react';
import { Scroll } from './Scroll';

/** One column: its header, its cell for a row, right-aligned numbers; the first column is the row's header. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  num?: boolean;
}

/** A table in a keyboard-scrollable region, named by its caption (read by screen readers, hidden on screen); `empty` when there are no rows. */
export function DataTable<T>({ rows, columns, caption, rowKey, empty }: { rows: readonly T[]; columns: ReadonlyArray<Column<T>>; caption: string; rowKey: (row: T) => string; empty: string }) {
  if (!rows.length) return <p>{empty}</p>;
  const [head, ...rest] = columns;
  return (
    <Scroll label={caption}>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.num ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              {head && <th scope="row">{head.cell(r)}</th>}
              {rest.map((c) => (
                <td key={c.header} className={c.num ? 'num' : undefined}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

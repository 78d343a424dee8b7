import type { ReactNode } from 'react';

/** A sideways-scrolling region (wide tables on narrow screens), reachable and scrollable by keyboard. */
export function Scroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

import { useEffect, useId, useState, type DependencyList, type ReactNode } from 'react';

/** Loads `load()` whenever `deps` change: the data (null while loading) and the error message. A stale answer is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): { data: T | null; error: string } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setError('');
    load()
      .then((d) => live && setData(d))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, deps);
  return { data, error };
}

/** The page's period picker, labelled "Period". */
export function PeriodSelect<V extends string | number>({ value, options, onChange }: { value: V; options: ReadonlyArray<{ value: V; label: string }>; onChange: (v: V) => void }) {
  const id = useId();
  return (
    <div className="row wrap toolbar">
      <div className="field inline">
        <label htmlFor={id}>Period</label>
        <select id={id} value={value} onChange={(e) => {
            const o = options.find((x) => String(x.value) === e.target.value);
            if (o) onChange(o.value);
          }}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** The error (an alert), "Loading…" (a status) until there is data, then the content. */
export function LoadState<T>({ data, error, children }: { data: T | null; error: string; children: (data: T) => ReactNode }) {
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data === null ? !error && <p role="status">Loading…</p> : children(data)}
    </>
  );
}

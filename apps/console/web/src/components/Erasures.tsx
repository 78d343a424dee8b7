import { useCallback, useEffect, useState } from 'react';
import { json, qs, type Credentials } from '../api';
import type { Erasure, ErasureTicket } from '../types';
import { Scroll } from './Scroll';

const DONE = new Set(['completed', 'failed']);

/** Erasures requested from this page, polled until the worker's hard delete reports. */
export function useErasures(creds: Credentials) {
  const [list, setList] = useState<Erasure[]>([]);
  const track = useCallback((t: ErasureTicket): ErasureTicket => {
    setList((l) => [{ id: t.erasure_id, kind: t.kind, status: t.status, requested_at: t.requested_at, completed_at: null, attempts: 0, last_error: null }, ...l]);
    return t;
  }, []);
  const pending = list.filter((e) => !DONE.has(e.status)).map((e) => e.id).join(',');
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      for (const id of pending.split(','))
        json<Erasure>(creds, 'memory', `/v1/erasures/${id}${qs({ user_id: creds.userId })}`)
          .then((e) => setList((l) => l.map((x) => (x.id === e.id ? e : x))))
          .catch(() => undefined); // the next tick asks again
    }, 1000);
    return () => clearInterval(timer);
  }, [creds, pending]);
  return { list, track };
}

export function ErasureList({ erasures }: { erasures: Erasure[] }) {
  if (!erasures.length) return null;
  return (
    <section aria-labelledby="erasures-h" className="card">
      <h2 id="erasures-h">Erasures</h2>
      <Scroll label="Erasure status table">
      <table>
        <caption className="sr-only">Erasures requested from this page and their status</caption>
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">Status</th>
            <th scope="col">Requested</th>
            <th scope="col">Completed</th>
          </tr>
        </thead>
        <tbody aria-live="polite">
          {erasures.map((e) => (
            <tr key={e.id} data-erasure={e.id}>
              <td>{e.kind}</td>
              <td>
                <span className={`tag ${e.status}`}>{e.status}</span>
                {e.last_error && <span className="error"> {e.last_error}</span>}
              </td>
              <td>{e.requested_at.slice(11, 19)}</td>
              <td>{e.completed_at ? e.completed_at.slice(11, 19) : '…'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </Scroll>
    </section>
  );
}

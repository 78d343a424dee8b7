import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { json, qs, raw, type Credentials } from '../api';
import { ConfirmDialog, type Confirmation } from '../components/ConfirmDialog';
import { ErasureList, useErasures } from '../components/Erasures';
import { useLiveSync } from '../components/LiveSync';
import { UserPicker } from '../components/UserPicker';
import { MEMORY_TYPES, type Memory, type MemoryPage } from '../types';

interface Filters {
  type: string;
  session: string;
  since: string;
  until: string;
  query: string;
}
const NONE: Filters = { type: '', session: '', since: '', until: '', query: '' };
const PAGE_SIZE = 50;

const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');
const dayStart = (d: string) => (d ? `${d}T00:00:00.000Z` : undefined);
const dayEnd = (d: string) => (d ? `${d}T23:59:59.999Z` : undefined);

/** Every memory of one user, newest first: filter, search, delete (one, a session's, all), export. */
export function MemoriesPage({ creds, onUserChange }: { creds: Credentials; onUserChange: (userId: string) => void }) {
  const ids = { type: useId(), session: useId(), since: useId(), until: useId(), query: useId(), format: useId() };
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const [items, setItems] = useState<Memory[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [confirm, setConfirm] = useState<Confirmation | null>(null);
  const [format, setFormat] = useState<'json' | 'text'>('json');
  const [page, setPage] = useState(1);
  const user = creds.userId;
  const erasures = useErasures(creds);

  const load = useCallback(async () => {
    if (!user) return;
    setLoading(true);
    setError('');
    try {
      if (filters.query.trim()) {
        const r = await json<{ results: Memory[] }>(creds, 'memory', '/v1/memories/search', {
          method: 'POST',
          body: JSON.stringify({ user_id: user, query: filters.query.trim(), limit: 50, ...(filters.type ? { types: [filters.type] } : {}) }),
        });
        const inRange = r.results.filter((m) => (!filters.session || m.provenance.session_id === filters.session) && (!filters.since || (m.valid_at ?? m.created_at) >= (dayStart(filters.since) ?? '')) && (!filters.until || (m.valid_at ?? m.created_at) <= (dayEnd(filters.until) ?? '')));
        setItems(inRange);
        setTotal(inRange.length);
      } else {
        const r = await json<MemoryPage>(creds, 'memory', `/v1/memories${qs({ user_id: user, page, page_size: PAGE_SIZE, type: filters.type, session_id: filters.session, since: dayStart(filters.since), until: dayEnd(filters.until) })}`);
        setItems(r.results); // newest first: the API orders by valid_at, descending
        setTotal(r.total);
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }, [creds, user, filters, page]);

  useEffect(() => {
    void load();
  }, [load]);

  // another device (or the assistant) changed this user's memories: reload, at most every 300 ms
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const live = useLiveSync(creds, () => {
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => void load(), 300);
  });

  const erase = async (what: string, path: string) => {
    try {
      const ticket = erasures.track(await json(creds, 'memory', `${path}${qs({ user_id: user })}`, { method: 'DELETE' }));
      setNotice(`Deleted ${what}: ${ticket.deleted} memor${ticket.deleted === 1 ? 'y' : 'ies'} gone from every answer now; erasure ${ticket.status}.`);
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const askDeleteOne = (m: Memory) =>
    setConfirm({ title: 'Delete this memory?', body: `“${m.memory}” will be erased from every store. This cannot be undone.`, action: 'Delete memory', run: () => void erase('1 memory', `/v1/memories/${m.id}`) });
  const askDeleteSession = (session: string) =>
    setConfirm({ title: `Delete session ${session}'s memories?`, body: `Every memory derived from session ${session} (and the transcript turns it came from) will be erased.`, action: 'Delete session memories', run: () => void erase(`session ${session}'s memories`, `/v1/sessions/${encodeURIComponent(session)}/memories`) });
  const askDeleteAll = () =>
    setConfirm({ title: `Delete everything about ${user}?`, body: 'All memories, sessions, transcripts, the biography and exports of this user will be erased. This cannot be undone.', action: 'Delete all', run: () => void erase('everything', '/v1/users') });

  const exportAll = async () => {
    try {
      const res = await raw(creds, 'memory', `/v1/export${qs({ user_id: user, format })}`);
      const blob = await res.blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `memories-${user}.${format === 'text' ? 'md' : 'json'}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      setNotice(`Exported ${a.download} (${blob.size.toLocaleString('en')} bytes).`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const applyFilters = (e: FormEvent) => {
    e.preventDefault();
    setPage(1);
    setFilters(draft);
  };
  const pages = filters.query.trim() ? 1 : Math.max(1, Math.ceil(total / PAGE_SIZE));
  useEffect(() => {
    if (page > pages) setPage(pages); // the last page emptied by deletions
  }, [page, pages]);

  return (
    <section aria-labelledby="mem-h">
      <h1 id="mem-h">My memories</h1>
      <UserPicker userId={user} onChange={onUserChange} />
      {!user ? (
        <p>Enter a user id to see what is remembered about them.</p>
      ) : (
        <>
          <form className="filters card" onSubmit={applyFilters} aria-label="Filter memories">
            <div className="field grow">
              <label htmlFor={ids.query}>Search</label>
              <input id={ids.query} type="search" value={draft.query} onChange={(e) => setDraft({ ...draft, query: e.target.value })} placeholder="what do you know about my diet?" />
            </div>
            <div className="field">
              <label htmlFor={ids.type}>Type</label>
              <select id={ids.type} value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
                <option value="">All types</option>
                {MEMORY_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.session}>Session</label>
              <input id={ids.session} value={draft.session} onChange={(e) => setDraft({ ...draft, session: e.target.value })} placeholder="session id" />
            </div>
            <div className="field">
              <label htmlFor={ids.since}>From</label>
              <input id={ids.since} type="date" value={draft.since} onChange={(e) => setDraft({ ...draft, since: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={ids.until}>To</label>
              <input id={ids.until} type="date" value={draft.until} onChange={(e) => setDraft({ ...draft, until: e.target.value })} />
            </div>
            <div className="row">
              <button type="submit">Apply</button>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setDraft(NONE);
                  setPage(1);
                  setFilters(NONE);
                }}
              >
                Clear
              </button>
            </div>
          </form>

          <div className="row wrap toolbar">
            <div className="field inline">
              <label htmlFor={ids.format}>Export as</label>
              <select id={ids.format} value={format} onChange={(e) => setFormat(e.target.value === 'text' ? 'text' : 'json')}>
                <option value="json">JSON</option>
                <option value="text">Markdown</option>
              </select>
            </div>
            <button type="button" onClick={() => void exportAll()}>
              Export
            </button>
            {filters.session && (
              <button type="button" className="danger" onClick={() => askDeleteSession(filters.session)}>
                Delete session {filters.session}'s memories
              </button>
            )}
            <button type="button" className="danger" onClick={askDeleteAll}>
              Delete all
            </button>
          </div>

          <p className="live" data-live={live}>
            <span className={`dot ${live}`} aria-hidden="true" /> Live updates: {live === 'live' ? 'on' : live === 'connecting' ? 'connecting…' : 'offline, retrying'}
          </p>
          <div role="status" aria-live="polite" className="status">
            {loading ? 'Loading…' : `${total} memor${total === 1 ? 'y' : 'ies'}${filters.query ? ` matching “${filters.query}”` : ''}, newest first.`} {notice}
          </div>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}

          <ol className="memories" aria-label="Memories">
            {items.map((m) => (
              <li key={m.id} className="card memory">
                <p className="text">{m.memory}</p>
                <dl className="meta">
                  <div>
                    <dt>Type</dt>
                    <dd>
                      <span className="tag">{m.type}</span>
                    </dd>
                  </div>
                  <div>
                    <dt>Confidence</dt>
                    <dd>
                      <meter min={0} max={1} value={m.confidence} aria-label={`Confidence ${Math.round(m.confidence * 100)}%`} /> {Math.round(m.confidence * 100)}%
                    </dd>
                  </div>
                  <div>
                    <dt>When</dt>
                    <dd>
                      <time dateTime={m.valid_at ?? m.created_at} title={`stored ${when(m.created_at)}`}>
                        {when(m.valid_at ?? m.created_at)}
                      </time>
                    </dd>
                  </div>
                  <div>
                    <dt>From</dt>
                    <dd>
                      {m.provenance.session_id ? (
                        <>
                          session <code>{m.provenance.session_id}</code>
                          {m.provenance.turn_ids.length > 0 && <> · turns {m.provenance.turn_ids.join(', ')}</>}
                        </>
                      ) : (
                        'added directly'
                      )}
                    </dd>
                  </div>
                </dl>
                <div className="row end">
                  {m.provenance.session_id && (
                    <button type="button" className="secondary small" onClick={() => askDeleteSession(m.provenance.session_id ?? '')} aria-label={`Delete session ${m.provenance.session_id} memories`}>
                      Delete session
                    </button>
                  )}
                  <button type="button" className="danger small" onClick={() => askDeleteOne(m)} aria-label={`Delete memory: ${m.memory}`}>
                    Delete
                  </button>
                </div>
              </li>
            ))}
          </ol>
          {pages > 1 && (
            <nav className="row pager" aria-label="Pages of memories">
              <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span>
                Page {page} of {pages}
              </span>
              <button type="button" className="secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </nav>
          )}
          <ErasureList erasures={erasures.list} />
        </>
      )}
      <ConfirmDialog confirm={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}

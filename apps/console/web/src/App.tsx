import { useEffect, useState } from 'react';
import { loadCredentials, saveCredentials, type Credentials } from './api';
import { Connect } from './components/Connect';
import { KnowsPage } from './pages/Knows';
import { MemoriesPage } from './pages/Memories';
import { QueuesPage } from './pages/Queues';
import { RecommenderPage } from './pages/Recommender';
import { SpendPage } from './pages/Spend';

const PAGES = [
  { hash: '#/memories', label: 'My memories' },
  { hash: '#/knows', label: 'What the assistant knows' },
  { hash: '#/recommender', label: 'Recommender' },
  { hash: '#/spend', label: 'Spend' },
  { hash: '#/queues', label: 'Queues' },
] as const;
type PageHash = (typeof PAGES)[number]['hash'];

const current = (): PageHash => (PAGES.find((p) => p.hash === window.location.hash)?.hash ?? '#/memories');

export function App() {
  const [creds, setCreds] = useState<Credentials | null>(loadCredentials);
  const [page, setPage] = useState<PageHash>(current);

  useEffect(() => {
    const onHash = () => setPage(current());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const label = PAGES.find((p) => p.hash === page)?.label ?? '';
    document.title = `${label} · Frontier console`;
  }, [page]);

  const connect = (c: Credentials | null) => {
    saveCredentials(c);
    setCreds(c);
  };

  return (
    <>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault(); // the hash is the router's: move focus without navigating
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Frontier console</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.hash}>
                <a href={p.hash} aria-current={p.hash === page ? 'page' : undefined}>
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {creds && (
          <button type="button" className="secondary" onClick={() => connect(null)}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {page === '#/queues' ? (
          <QueuesPage />
        ) : !creds ? (
          <Connect onConnect={connect} />
        ) : page === '#/recommender' ? (
          <RecommenderPage creds={creds} />
        ) : page === '#/spend' ? (
          <SpendPage creds={creds} />
        ) : page === '#/knows' ? (
          <KnowsPage creds={creds} onUserChange={(userId) => connect({ ...creds, userId })} />
        ) : (
          <MemoriesPage creds={creds} onUserChange={(userId) => connect({ ...creds, userId })} />
        )}
      </main>
    </>
  );
}

/** Operators' view of every BullMQ queue: Bull Board, served by the console at /queues behind the admin token. */
export function QueuesPage() {
  return (
    <section aria-labelledby="queues-h">
      <h1 id="queues-h">Queues</h1>
      <div className="card">
        <p>
          Every BullMQ queue of this deployment (memory extraction and erasure, the recommender's features and training, billing, encoders, the platform's own jobs): counts by state, failed jobs with their errors, retry and clean.
        </p>
        <p>It is for operators: the browser asks for the admin token (user <code>admin</code>, password: the console's <code>ADMIN_TOKEN</code>). Your API key is not used there.</p>
        <p>
          <a className="button" href="queues/" target="_blank" rel="noopener">
            Open Bull Board
          </a>
        </p>
      </div>
    </section>
  );
}

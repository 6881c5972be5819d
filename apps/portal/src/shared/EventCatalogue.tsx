import { useState } from 'react';
import { EventTypesQuery } from '../api';
import { EmptyState, ErrorNotice, Loading, Pager } from '../components/ui';
import { pretty } from '../lib/format';
import { useCursorPages, useQuery } from '../lib/hooks';

/** The event types a receiver can subscribe to, with their schemas and examples (read-only). */
export function EventCatalogue() {
  const pages = useCursorPages(25);
  const { data, error, fetching } = useQuery(EventTypesQuery, {
    first: pages.first,
    after: pages.after,
  });
  const [open, setOpen] = useState<string | null>(null);
  const types = data?.eventTypes.nodes ?? [];
  return (
    <section aria-labelledby="catalogue-heading">
      <h2 id="catalogue-heading">Event catalogue</h2>
      <ErrorNotice error={error} title="Could not load event types" />
      {!data && fetching && <Loading what="event types" />}
      {data && types.length === 0 && (
        <EmptyState title="No event types published yet">
          <p>Event types appear here once they are defined.</p>
        </EmptyState>
      )}
      <ul className="catalogue">
        {types.map((t) => (
          <li key={t.id} className="card">
            <button
              type="button"
              className="catalogue-toggle"
              aria-expanded={open === t.name}
              onClick={() => setOpen(open === t.name ? null : t.name)}
            >
              <code>{t.name}</code>
              <span className="hint">{t.description || 'No description'}</span>
            </button>
            {open === t.name && (
              <div className="grid-2">
                <div>
                  <h4>Schema</h4>
                  <pre className="code">
                    {t.schema ? pretty(t.schema) : 'No schema: any JSON object.'}
                  </pre>
                </div>
                <div>
                  <h4>Example</h4>
                  <pre className="code">
                    {t.example !== null && t.example !== undefined ? pretty(t.example) : '—'}
                  </pre>
                </div>
              </div>
            )}
          </li>
        ))}
      </ul>
      <Pager
        pages={pages}
        pageInfo={data?.eventTypes.pageInfo}
        fetching={fetching}
        label="Event type pages"
      />
    </section>
  );
}

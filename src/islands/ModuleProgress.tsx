// Dashboard section "learning progress": lessons read per module, from GET /api/progress.
import { createSignal, For, onMount, Show } from 'solid-js';
import { fetchProgress, fmt, type ProgressPayload } from './progress-client.ts';

interface Props {
  lessonsHref: string;
  labels: Record<'progress.overall' | 'progress.loading' | 'progress.error' | 'progress.open' | 'lessons.read' | 'lessons.unread', string>;
}

export default function ModuleProgress(props: Props) {
  const L = props.labels;
  const [data, setData] = createSignal<ProgressPayload | null>(null);
  const [error, setError] = createSignal(false);
  onMount(() => {
    fetchProgress(true).then(setData).catch(() => setError(true));
  });
  const pct = (read: number, total: number) => (total ? Math.round((100 * read) / total) : 0);
  return (
    <div class="module-progress" aria-busy={!data() && !error()}>
      <Show when={data()} fallback={<p class="muted">{error() ? L['progress.error'] : L['progress.loading']}</p>}>
        {(d) => (
          <>
            <p class="module-progress-overall">
              <strong>{fmt(L['progress.overall'], { read: d().read, total: d().total })}</strong>
              <a class="btn btn-secondary btn-sm" href={props.lessonsHref}>{L['progress.open']}</a>
            </p>
            <ul class="module-progress-list" role="list">
              <For each={d().modules}>
                {(m) => (
                  <li data-module={m.module}>
                    <a class="mp-title" href={`${props.lessonsHref}#module-${m.module}`}>{m.title}</a>
                    <span class="progress-bar" role="progressbar" aria-label={m.title} aria-valuemin="0" aria-valuemax={m.total} aria-valuenow={m.read}>
                      <span style={{ width: `${pct(m.read, m.total)}%` }} />
                    </span>
                    <span class="mp-count">{m.read}/{m.total}</span>
                    <ul class="mp-lessons" role="list">
                      <For each={m.lessons}>
                        {(l) => (
                          <li data-lesson={l.id} data-read={l.readAt ? 'true' : 'false'}>
                            <a href={`${props.lessonsHref}${l.id}/`}>{l.title}</a>
                            <span class={`badge ${l.readAt ? 'badge-read' : 'badge-unread'}`}>{l.readAt ? `✓ ${L['lessons.read']}` : L['lessons.unread']}</span>
                          </li>
                        )}
                      </For>
                    </ul>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </div>
  );
}

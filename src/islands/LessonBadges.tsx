// Read/unread badges on the lesson list (client:idle). The list itself is static HTML; this island
// fetches /api/progress for a signed-in member, flags each card ([data-lesson-card="<id>"]) and
// shows a "read x/y" summary where it is mounted.
import { createSignal, onMount, Show } from 'solid-js';
import { fetchProgress, fmt } from './progress-client.ts';

interface Props {
  labels: Record<'lessons.read' | 'lessons.unread' | 'lessons.progressSummary', string>;
}

export default function LessonBadges(props: Props) {
  const [summary, setSummary] = createSignal<{ read: number; total: number } | null>(null);
  onMount(() => {
    fetchProgress()
      .then((p) => {
        if (!p) return;
        const read = new Map(p.modules.flatMap((m) => m.lessons).map((l) => [l.id, l.readAt]));
        for (const card of document.querySelectorAll<HTMLElement>('[data-lesson-card]')) {
          const id = card.dataset.lessonCard ?? '';
          const isRead = Boolean(read.get(id));
          card.dataset.read = String(isRead);
          const badge = card.querySelector<HTMLElement>('[data-read-badge]');
          if (badge) {
            badge.textContent = isRead ? `✓ ${props.labels['lessons.read']}` : props.labels['lessons.unread'];
            badge.className = `badge ${isRead ? 'badge-read' : 'badge-unread'}`;
            badge.hidden = false;
          }
        }
        for (const mod of p.modules) {
          const el = document.querySelector<HTMLElement>(`[data-module-progress="${mod.module}"]`);
          if (el) {
            el.textContent = fmt(props.labels['lessons.progressSummary'], { read: mod.read, total: mod.total });
            el.hidden = false;
          }
        }
        setSummary({ read: p.read, total: p.total });
      })
      .catch(() => {
        /* badges are an extra; the list works without them */
      });
  });
  return (
    <Show when={summary()}>
      {(s) => (
        <p class="lessons-summary">
          <span class="progress-bar" aria-hidden="true"><span style={{ width: `${s().total ? (100 * s().read) / s().total : 0}%` }} /></span>
          <span>{fmt(props.labels['lessons.progressSummary'], { read: s().read, total: s().total })}</span>
        </p>
      )}
    </Show>
  );
}

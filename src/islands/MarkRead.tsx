// "Mark as read" at the end of a lesson (client:visible, so it wakes when the reader gets there).
// It marks the lesson read automatically once the end-of-lesson sentinel (#lesson-end) is in view,
// and offers an explicit button before that. Signed-out readers get a sign-in hint instead.
import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { hasStoredSession } from '../client/session-hint.ts';
import { fetchProgress, fmt, formatDate, markLessonRead } from './progress-client.ts';

type Labels = Record<'lessons.markRead' | 'lessons.markedRead' | 'lessons.readOn' | 'lessons.marking' | 'lessons.markError' | 'lessons.signInToTrack' | 'lessons.endReached' | 'kc.signInCta', string>;

interface Props {
  lessonId: string;
  locale: string;
  labels: Labels;
  signInHref: string;
}

export default function MarkRead(props: Props) {
  const L = props.labels;
  const [signedIn, setSignedIn] = createSignal<boolean | null>(null);
  const [readAt, setReadAt] = createSignal<string | null>(null);
  const [how, setHow] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal(false);
  let observer: IntersectionObserver | null = null;

  const mark = async (kind: 'explicit' | 'reached_end') => {
    if (busy() || readAt()) return;
    setBusy(true);
    setError(false);
    try {
      const r = await markLessonRead(props.lessonId, kind);
      setReadAt(r.readAt);
      setHow(kind);
      observer?.disconnect();
    } catch {
      setError(true);
    } finally {
      setBusy(false);
    }
  };

  onMount(() => {
    const inside = hasStoredSession();
    setSignedIn(inside);
    if (!inside) return;
    const end = document.getElementById('lesson-end');
    fetchProgress()
      .then((p) => {
        const mine = p?.modules.flatMap((m) => m.lessons).find((l) => l.id === props.lessonId);
        if (mine?.readAt) return void setReadAt(mine.readAt);
        if (end && 'IntersectionObserver' in window) {
          observer = new IntersectionObserver((entries) => {
            if (entries.some((e) => e.isIntersecting)) void mark('reached_end');
          });
          observer.observe(end);
        }
      })
      .catch(() => setError(true));
    onCleanup(() => observer?.disconnect());
  });

  return (
    <div class="mark-read" data-read={readAt() ? 'true' : 'false'}>
      <Show when={signedIn() !== false} fallback={
        <p class="mark-read-hint">{L['lessons.signInToTrack']} <a href={props.signInHref}>{L['kc.signInCta']}</a></p>
      }>
        <Show when={readAt()} fallback={
          <button type="button" class="btn btn-primary" onClick={() => void mark('explicit')} disabled={busy() || signedIn() === null}>
            {busy() ? L['lessons.marking'] : L['lessons.markRead']}
          </button>
        }>
          {(at) => (
            <p class="mark-read-done" role="status">
              <span class="badge badge-read">✓ {L['lessons.markedRead']}</span>
              <span>{how() === 'reached_end' ? L['lessons.endReached'] : fmt(L['lessons.readOn'], { date: formatDate(at(), props.locale) })}</span>
            </p>
          )}
        </Show>
        <Show when={error()}><p class="field-error" role="alert">{L['lessons.markError']}</p></Show>
      </Show>
    </div>
  );
}

// The employee's required training on the dashboard (issue 11): each item with its deadline and
// status, open ones first (overdue, then due soon), with a link to take the exam or read the lessons.
// Shows nothing at all for someone with no required training.
import { createResource, For, Show } from 'solid-js';
import { hasStoredSession } from '../client/session-hint.ts';
import { formatDateTime, formatNumber } from '../client/format.ts';
import { getMyAssignments } from '../client/hr-api.ts';
import { hrTr } from '../i18n/hr.ts';
import { localePath, type Locale } from '../i18n/index.ts';
import StatusBadge from './shared/StatusBadge.tsx';
import { valueOf } from './shared/resource.ts';

export default function MyAssignments(props: { locale: Locale }) {
  const t = hrTr(props.locale);
  const [data] = createResource(() => (hasStoredSession() ? true : null), () => getMyAssignments());
  const daysLeft = (due: string, now: string) => Math.ceil((Date.parse(due) - Date.parse(now)) / 86_400_000);
  return (
    <Show when={(valueOf(data)?.assignments.length ?? 0) > 0}>
      <section class="dash-required card" aria-labelledby="dash-required-title" data-testid="my-assignments">
        <h2 id="dash-required-title" class="section-title">{t('dash.title')}</h2>
        <ul class="required-list" role="list">
          <For each={valueOf(data)!.assignments}>
            {(a) => {
              const open = a.status === 'not_started' || a.status === 'in_progress' || a.status === 'overdue';
              const unread = a.lessons.find((l) => !l.read);
              return (
                <li class="required-item" classList={{ 'is-open': open, 'is-overdue': a.status === 'overdue' }} data-status={a.status}>
                  <div class="required-main">
                    <strong>{a.title}</strong> <span class="badge mono">{a.period}</span>
                    <div class="muted small">
                      {[a.examTitle, a.lessons.length ? t('dash.lessons', { read: a.lessons.filter((l) => l.read).length, total: a.lessons.length }) : null].filter(Boolean).join(' · ')}
                    </div>
                  </div>
                  <div class="required-status">
                    <StatusBadge status={a.status} atRisk={a.atRisk} locale={props.locale} t={t} />
                    <span class="small">{t('dash.due', { at: formatDateTime(a.dueAt, props.locale) })}
                      <Show when={open && a.status !== 'overdue'}> · {t('dash.left', { n: Math.max(0, daysLeft(a.dueAt, valueOf(data)!.serverNow)) })}</Show></span>
                    <Show when={a.score !== null}><span class="small">{t('dash.score', { score: formatNumber(a.score) })}</span></Show>
                  </div>
                  <Show when={open}>
                    <div class="required-actions">
                      <Show when={a.examId && a.passed !== true}>
                        <a class="btn btn-primary btn-sm" href={localePath(props.locale, `/exams/take/?id=${encodeURIComponent(a.examId!)}&assignment=${encodeURIComponent(a.id)}`)}>{t('dash.take')}</a>
                      </Show>
                      <Show when={unread}>{(l) => <a class="btn btn-secondary btn-sm" href={localePath(props.locale, `/lessons/${l().id}/`)}>{t('dash.read')}</a>}</Show>
                    </div>
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
      </section>
    </Show>
  );
}

// The one way a required-training status is shown (src/core/completion.ts vocabulary), with the
// "at risk" flag beside it. Colour is never the only cue: the word is always there.
import { Show } from 'solid-js';
import { STATUS_LABELS, type AssignmentStatus } from '../../core/completion.ts';
import { langOf, type HrTr } from '../../i18n/hr.ts';
import type { Locale } from '../../i18n/index.ts';

const STATUS_BADGE: Record<AssignmentStatus, string> = {
  completed: 'badge-trainer', completed_late: 'badge-hr', overdue: 'badge-danger', in_progress: 'badge-primary', not_started: '', exempt: 'badge-admin',
};

export default function StatusBadge(props: { status: AssignmentStatus; locale: Locale; atRisk?: boolean; t: HrTr }) {
  return (
    <span class="cluster status-cell">
      <span class={`badge ${STATUS_BADGE[props.status]}`} data-status={props.status}>{STATUS_LABELS[langOf(props.locale)][props.status]}</span>
      <Show when={props.atRisk}><span class="badge badge-hr at-risk">{props.t('as.atRisk')}</span></Show>
    </span>
  );
}


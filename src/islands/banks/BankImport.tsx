// /manage/import/?bank= — upload a question file (xlsx template, CSV, GIFT, Moodle XML, Aiken), see
// the stored preview (every row: will be added / will update / unchanged / has problems, each
// problem with row, column, what is wrong and how to fix it, and the normalisations applied), then
// import the valid rows. Nothing is written to the bank before the confirm; re-importing the same
// file changes nothing. Upload progress comes from XMLHttpRequest; checking is shown as busy.
import { createMemo, createResource, createSignal, For, onMount, Show } from 'solid-js';
import { api, ApiError, signInUrl } from '../../client/api.ts';
import { hasStoredSession } from '../../client/session-hint.ts';
import { download, MAX_UPLOAD_BYTES, uploadFile, type Bank, type ImportPreview } from '../../client/banks-api.ts';
import { localePath, translator, type Locale } from '../../i18n/index.ts';
import { banksTr, banksZh, type BanksKey } from '../../i18n/banks.ts';
import { areaSay, localDetail } from '../../client/problem-text.ts';
import NoAccess from '../shared/NoAccess.tsx';
import { errorStatus, valueOf } from '../shared/resource.ts';

export default function BankImport(props: { locale: Locale }) {
  const tr = translator(props.locale);
  const t = banksTr(props.locale);
  const en = props.locale === 'en';
  const params = new URLSearchParams(location.search);
  const [banks] = createResource(() => (hasStoredSession() ? true : null), () => api<{ banks: Bank[] }>('/api/manage/banks'));
  const editable = () => (valueOf(banks)?.banks ?? []).filter((b) => b.canEdit && !b.readOnly);
  const [bankId, setBankId] = createSignal(params.get('bank') ?? '');
  const [format, setFormat] = createSignal('');
  const [file, setFile] = createSignal<File | null>(null);
  const [progress, setProgress] = createSignal<number | null>(null);
  const [busy, setBusy] = createSignal<'upload' | 'commit' | null>(null);
  const [preview, setPreview] = createSignal<ImportPreview | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [onlyProblems, setOnlyProblems] = createSignal(false);
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  const bank = () => bankId() || editable()[0]?.id || '';
  const counts = () => preview()?.import.counts;
  const importable = () => (counts() ? counts()!.add + counts()!.update : 0);
  const rows = createMemo(() => (preview()?.rows ?? []).filter((r) => !onlyProblems() || r.outcome === 'problem'));

  const send = async (ev: Event) => {
    ev.preventDefault();
    const f = file();
    setError(null);
    setPreview(null);
    if (!f) return;
    if (f.size > MAX_UPLOAD_BYTES) { setError(t('imp.tooLarge')); return; }
    setBusy('upload');
    setProgress(0);
    try {
      const q = new URLSearchParams({ bank: bank(), name: f.name });
      if (format()) q.set('format', format());
      setPreview(await uploadFile<ImportPreview>(`/api/manage/imports?${q}`, f, (p) => setProgress(p)));
    } catch (e) {
      const err = e as ApiError;
      const zh = typeof err.problem?.message_zh === 'string' ? err.problem.message_zh : null;
      setError(err.status === 413 ? t('imp.tooLarge') : (!en && zh) || localDetail(err, props.locale, areaSay<BanksKey>(banksZh, t)));
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };
  const commit = async () => {
    const p = preview();
    if (!p) return;
    setBusy('commit');
    try {
      setPreview(await api<ImportPreview>(`/api/manage/imports/${p.import.id}/commit`, { method: 'POST' }));
    } catch (e) {
      setError(localDetail(e, props.locale, areaSay<BanksKey>(banksZh, t)));
    } finally {
      setBusy(null);
    }
  };
  const result = () => preview()?.import.result ?? null;

  return (
    <Show when={errorStatus(banks) !== 403} fallback={<NoAccess locale={props.locale} tr={tr} />}>
      <div class="stack">
        <div class="cluster">
          <button type="button" class="btn btn-secondary" data-testid="template" onClick={() => void download('/api/manage/question-export?template=1', '题库导入模板.xlsx').catch((e) => setError(localDetail(e, props.locale, areaSay<BanksKey>(banksZh, t))))}>{t('imp.template')}</button>
          <a class="btn btn-ghost" href={localePath(props.locale, '/manage/banks/')}>{t('nav.banks')}</a>
        </div>
        <form class="card stack import-form" onSubmit={send}>
          <div class="cluster">
            <div class="field">
              <label class="label" for="imp-bank">{t('imp.bank')}</label>
              <select id="imp-bank" class="input" value={bank()} onChange={(e) => setBankId(e.currentTarget.value)}>
                <For each={editable()}>{(b) => <option value={b.id} selected={b.id === bank()}>{b.name}（{b.orgUnit?.name}）</option>}</For>
              </select>
            </div>
            <div class="field">
              <label class="label" for="imp-format">{t('imp.format')}</label>
              <select id="imp-format" class="input" value={format()} onChange={(e) => setFormat(e.currentTarget.value)}>
                <option value="">{t('imp.formatAuto')}</option>
                <option value="xlsx">Excel (.xlsx)</option>
                <option value="csv">CSV</option>
                <option value="gift">GIFT</option>
                <option value="moodle-xml">Moodle XML</option>
                <option value="aiken">Aiken</option>
              </select>
            </div>
          </div>
          <div class="field">
            <label class="label" for="imp-file">{t('imp.file')}</label>
            <input id="imp-file" class="input" type="file" accept=".xlsx,.csv,.gift,.txt,.xml" onChange={(e) => { setFile(e.currentTarget.files?.[0] ?? null); setPreview(null); setError(null); }} />
          </div>
          <div class="cluster">
            <button type="submit" class="btn btn-primary" disabled={!file() || !bank() || busy() !== null}>{busy() === 'upload' ? t('imp.uploading') : t('imp.upload')}</button>
          </div>
          <Show when={busy() === 'upload'}>
            {/* Determinate while the bytes upload; indeterminate (no value) while the server checks the rows. */}
            <Show when={progress() !== null && progress()! < 1} fallback={<progress class="import-progress" aria-label={t('imp.uploading')} />}>
              <progress class="import-progress" max="1" value={progress() ?? 0} aria-label={t('imp.uploading')}>
                {t('imp.progress', { p: Math.round((progress() ?? 0) * 100) })}
              </progress>
            </Show>
          </Show>
        </form>
        <Show when={error()}>{(e) => <p class="alert alert-error" role="alert" data-testid="import-error">{e()}</p>}</Show>
        <Show when={preview()}>{(p) => (
          <section class="stack" aria-live="polite">
            <p class="alert alert-info" data-testid="import-summary">{t('imp.summary', { rows: p().import.counts.rows, add: p().import.counts.add, update: p().import.counts.update, same: p().import.counts.same, problem: p().import.counts.problem })}</p>
            <Show when={p().import.fileWarnings.length}>
              <div class="alert alert-warning"><strong>{t('imp.fileWarnings')}</strong>
                <ul><For each={p().import.fileWarnings}>{(w) => <li>{en ? w.message_en : w.message_zh}</li>}</For></ul>
              </div>
            </Show>
            <Show when={result()} fallback={
              <div class="cluster">
                <button type="button" class="btn btn-primary" data-testid="commit" disabled={importable() === 0 || busy() !== null} onClick={() => void commit()}>
                  {busy() === 'commit' ? t('imp.committing') : importable() ? t('imp.commit', { n: importable() }) : t('imp.commitNone')}
                </button>
                <label class="bank-check"><input type="checkbox" checked={onlyProblems()} onChange={(e) => setOnlyProblems(e.currentTarget.checked)} /> {t('imp.onlyProblems')}</label>
              </div>
            }>{(r) => (
              <div class="alert alert-success" role="status" data-testid="import-result">
                <p>{r().alreadyCommitted ? t('imp.alreadyCommitted') : t('imp.committed', { added: r().added, updated: r().updated, unchanged: r().unchanged, skipped: r().skippedProblems })}</p>
                <a class="btn btn-secondary btn-sm" href={`${localePath(props.locale, '/manage/banks/bank/')}?id=${encodeURIComponent(p().import.bankId)}`}>{t('imp.openBank')}</a>
              </div>
            )}</Show>
            <div class="table-wrap">
              <table class="table import-table">
                <thead><tr><th scope="col">{t('imp.col.row')}</th><th scope="col">{t('imp.col.outcome')}</th><th scope="col">{t('imp.col.stem')}</th><th scope="col">{t('imp.col.detail')}</th></tr></thead>
                <tbody>
                  <For each={rows()}>{(r) => (
                    <tr class={`import-${r.outcome}`} data-row={r.row}>
                      <td>{r.row}</td>
                      <td><span class={`badge ${r.outcome === 'problem' ? 'badge-danger' : r.outcome === 'same' ? '' : 'badge-primary'}`}>{t(`imp.outcome.${r.outcome}` as BanksKey)}</span></td>
                      <td>{r.stem ?? '—'}</td>
                      <td>
                        <For each={r.problems}>{(x) => (
                          <p class="import-problem"><strong>{t('imp.column', { c: x.column })}</strong> {en ? x.message_en : x.message_zh}<br /><span class="muted">{t('imp.fix')}{en ? x.fix_en : x.fix_zh}</span></p>
                        )}</For>
                        <Show when={r.normalisations.length}>
                          <p class="muted small">{t('imp.normalised')}{r.normalisations.map((n) => `${n.column}: ${n.from} → ${n.to}`).join('；')}</p>
                        </Show>
                        <For each={r.warnings}>{(w) => <p class="muted small">{en ? w.message_en : w.message_zh}</p>}</For>
                        <Show when={r.duplicateOf}>{(d) => <p class="muted small">{t('imp.duplicateOf', { id: d().id, bank: d().bankName })}</p>}</Show>
                      </td>
                    </tr>
                  )}</For>
                </tbody>
              </table>
            </div>
          </section>
        )}</Show>
      </div>
    </Show>
  );
}

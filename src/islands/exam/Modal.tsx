// A small accessible modal: role="dialog" + aria-modal, focus moved in and trapped, Escape closes,
// focus returned to the opener. Not <dialog>: showModal() is missing from older WeChat/WeCom
// WebViews (X5 kernel, iOS < 15.4), and a popup window is not an option inside them either.
import { onCleanup, onMount, type JSX } from 'solid-js';

interface Props {
  labelledBy: string;
  describedBy?: string;
  onClose: () => void;
  children: JSX.Element;
  class?: string;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

export default function Modal(props: Props) {
  let panel: HTMLDivElement | undefined;
  const opener = document.activeElement as HTMLElement | null;

  const focusables = () => (panel ? (Array.prototype.slice.call(panel.querySelectorAll(FOCUSABLE)) as HTMLElement[]) : []);

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onClose();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables();
    if (items.length === 0) return;
    const first = items[0] as HTMLElement;
    const last = items[items.length - 1] as HTMLElement;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  onMount(() => {
    document.addEventListener('keydown', onKey, true);
    document.documentElement.classList.add('modal-open');
    const target = panel?.querySelector<HTMLElement>('[data-autofocus]') ?? focusables()[0];
    target?.focus();
  });
  onCleanup(() => {
    document.removeEventListener('keydown', onKey, true);
    document.documentElement.classList.remove('modal-open');
    if (opener && document.contains(opener)) opener.focus();
  });

  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        ref={panel}
        class={`modal ${props.class ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={props.labelledBy}
        aria-describedby={props.describedBy}
      >
        {props.children}
      </div>
    </div>
  );
}

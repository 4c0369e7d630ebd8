import { ModalDialog } from '../ui/ModalDialog';
import { SHORTCUT_SECTIONS } from './shortcuts';
import './commandPalette.css';

/** Every keyboard shortcut, grouped by where it works (`?`). */
export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  return (
    <ModalDialog
      title="Keyboard shortcuts"
      wide
      onClose={onClose}
      onSubmit={onClose}
      actions={
        <button type="submit" className="button button--primary">
          Close
        </button>
      }
    >
      <div className="shortcut-sheet">
        {SHORTCUT_SECTIONS.map((section) => (
          <section key={section.title} className="shortcut-sheet__section" aria-label={section.title}>
            <h3>{section.title}</h3>
            <dl>
              {section.shortcuts.map((s) => (
                <div key={s.does} className="shortcut-sheet__row">
                  <dt>
                    {s.keys.map((k) => (
                      <kbd key={k}>{k}</kbd>
                    ))}
                  </dt>
                  <dd>{s.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </ModalDialog>
  );
}

import { Command as Cmdk } from 'cmdk';
import { useEffect, useRef } from 'react';
import { COMMAND_GROUPS, orderCommands, type Command } from '../ui/commands/command';
import './commandPalette.css';

/**
 * Every action by name (Ctrl+K / Ctrl+Shift+P). cmdk does the list's filtering, ranking and
 * keyboard (combobox + listbox, arrow keys, Enter); the native modal <dialog> traps focus and
 * closes on Esc like Pier's other dialogs. `commands` is read once per opening.
 */
export function CommandPalette({ commands, onClose }: { commands: readonly Command[]; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // showModal focuses the dialog's first focusable element only sometimes; the search box must have it.
    input.current?.focus();
    return () => dialog?.close();
  }, []);
  const ordered = orderCommands(commands);
  const pick = (command: Command) => {
    onClose();
    // After the dialog is gone, so focus can land where the command puts it.
    requestAnimationFrame(() => command.run());
  };
  return (
    <dialog
      ref={ref}
      className="palette"
      aria-label="Command palette"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onMouseDown={(event) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        if (event.target === ref.current) onClose();
      }}
    >
      <Cmdk label="Command palette" className="palette__command" loop>
        <Cmdk.Input ref={input} className="palette__input" placeholder="Type a command or a table name…" />
        <Cmdk.List className="palette__list">
          <Cmdk.Empty className="palette__empty">No matching command.</Cmdk.Empty>
          {COMMAND_GROUPS.map((group) => {
            const items = ordered.filter((c) => c.group === group);
            if (items.length === 0) return null;
            return (
              <Cmdk.Group key={group} heading={group} className="palette__group">
                {items.map((c) => (
                  <Cmdk.Item
                    key={c.id}
                    value={c.id}
                    keywords={[c.title, ...(c.keywords ?? [])]}
                    className="palette__item"
                    onSelect={() => pick(c)}
                  >
                    <span className="palette__title">{c.title}</span>
                    {c.shortcut && <kbd className="palette__shortcut">{c.shortcut}</kbd>}
                  </Cmdk.Item>
                ))}
              </Cmdk.Group>
            );
          })}
        </Cmdk.List>
      </Cmdk>
    </dialog>
  );
}

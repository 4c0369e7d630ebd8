import { parseThemeChoice, THEME_CHOICES, themeChoiceLabel } from '../ui/theme/theme';
import { useThemeChoice } from '../ui/theme/useTheme';

/** System, light or dark; remembered across restarts (ui/theme/themeStore). */
export function ThemePicker() {
  const [choice, setChoice] = useThemeChoice();
  return (
    <select
      className="theme-picker"
      aria-label="Theme"
      title="Theme: system follows the operating system"
      value={choice}
      onChange={(e) => setChoice(parseThemeChoice(e.target.value))}
    >
      {THEME_CHOICES.map((c) => (
        <option key={c} value={c}>
          {themeChoiceLabel(c)}
        </option>
      ))}
    </select>
  );
}

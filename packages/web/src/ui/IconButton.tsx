import type { ButtonHTMLAttributes } from 'react';
import { Icon, type IconName } from './Icon';

/** A button showing only an icon; `label` is required because it is the accessible name. */
export function IconButton({
  icon,
  label,
  pressed,
  className,
  ...rest
}: { icon: IconName; label: string; pressed?: boolean } & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'aria-label'>) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      className={`icon-button${className ? ` ${className}` : ''}`}
      {...rest}
    >
      <Icon name={icon} />
    </button>
  );
}

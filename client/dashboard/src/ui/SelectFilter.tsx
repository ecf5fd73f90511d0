import { useId } from 'react';

interface SelectFilterProps {
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  /** The label of the empty choice, which means "no filter". */
  anyLabel: string;
  onChange: (value: string) => void;
}

/** A labelled drop-down that narrows a list. */
export function SelectFilter({ label, value, options, anyLabel, onChange }: SelectFilterProps) {
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id} className="filter__label">
        {label}
      </label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{anyLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

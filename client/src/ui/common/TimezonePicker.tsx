import { useId, useMemo, useState } from 'react';
import { searchZones, zoneLabel } from './timezones';

function allZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/** A searchable timezone list: type to filter, pick from the list. */
export function TimezonePicker(props: { value: string; onChange: (zone: string) => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const zones = useMemo(() => allZones(), []);
  const shown = useMemo(() => {
    const hits = searchZones(zones, query);
    return hits.includes(props.value) ? hits : [props.value, ...hits];
  }, [zones, query, props.value]);
  return (
    <fieldset className="field timezone">
      <legend>Timezone</legend>
      <label htmlFor={`${id}-q`}>Search timezones</label>
      <input
        id={`${id}-q`}
        type="search"
        value={query}
        placeholder="e.g. Paris, New York, Kyiv"
        autoComplete="off"
        onChange={(e) => setQuery(e.target.value)}
      />
      <label htmlFor={`${id}-zone`}>Choose a timezone ({shown.length})</label>
      <select
        id={`${id}-zone`}
        size={6}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {shown.map((z) => (
          <option key={z} value={z}>
            {zoneLabel(z)}
          </option>
        ))}
      </select>
    </fieldset>
  );
}

export function browserTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
